// An account's and a reward's name for a row that has only their ids (cached per id; the id until
// it is known).
import { useQuery } from '@tanstack/react-query';
import { api, data } from '../api/client';

export function AccountName({ id }: { id: string }) {
  const account = useQuery({
    queryKey: ['account', id],
    staleTime: 60_000,
    queryFn: () => data(api.GET('/v1/accounts/{accountId}', { params: { path: { accountId: id } } })),
  });
  return (
    <>
      {account.data
        ? `${account.data.name}${account.data.externalId ? ` (${account.data.externalId})` : ''}`
        : id}
    </>
  );
}

/** A contact's name (or e-mail when it has none); the same cache key as the contact's page. */
export function ContactName({ id }: { id: string }) {
  const contact = useQuery({
    queryKey: ['contact', id],
    staleTime: 60_000,
    queryFn: () => data(api.GET('/v1/contacts/{contactId}', { params: { path: { contactId: id } } })),
  });
  return <>{contact.data ? (contact.data.name ?? contact.data.email ?? id) : id}</>;
}

export function RewardName({ id }: { id: string }) {
  const reward = useQuery({
    queryKey: ['reward', id],
    staleTime: 60_000,
    queryFn: () => data(api.GET('/v1/rewards/{rewardId}', { params: { path: { rewardId: id } } })),
  });
  return <>{reward.data?.name ?? id}</>;
}

/**
 * Who did something, as the API records it (`usr_…` a console user, a key's id, `job:…`): "you", a
 * console user's name (or e-mail) when the API gives it with the record (`name`, as payout runs do:
 * every role reads it; decision 0051) or the signed-in role may read users (admins), else the id as is.
 */
export function ActorName({
  id,
  me,
  readsUsers,
  name,
}: {
  id: string;
  me: string;
  readsUsers: boolean;
  name?: string | null;
}) {
  const user = useQuery({
    queryKey: ['user', id],
    enabled: !name && readsUsers && id.startsWith('usr_') && id !== me,
    staleTime: 60_000,
    queryFn: () => data(api.GET('/v1/users/{userId}', { params: { path: { userId: id } } })),
  });
  if (id === me) return <>you</>;
  return <>{name ?? (user.data ? (user.data.name ?? user.data.email) : id)}</>;
}
