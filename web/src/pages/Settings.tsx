// Settings: the program's API keys (list, create with the secret shown once, revoke) and the audit
// log (filtered by resource type and actor, paged; a console user named, with the id under it). Both
// need the admin scope (admin and owner).
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { api, data, type Schemas } from '../api/client';
import { ActorName } from '../components/Names';
import { ProblemAlert } from '../components/Problem';
import { SettingsNav } from '../components/SettingsNav';
import { formatDateTime } from '../format';
import { can, useSession } from '../session';

type ApiKey = Schemas['ApiKey'];
// Keys minted here are read, write or admin: an operator key comes only from the CLI (decision 0024).
type Scope = Exclude<ApiKey['scopes'][number], 'operator'>;

export function Settings() {
  const session = useSession();
  useEffect(() => {
    document.title = 'Settings · Fidelis console';
  }, []);
  if (!can(session, 'admin'))
    return (
      <>
        <h1>Settings</h1>
        <SettingsNav />
        <p className="note" role="note">
          Your role ({session.user.role}) may not see the API keys or the audit log: they need an admin or the
          owner.
        </p>
      </>
    );
  return (
    <>
      <h1>Settings</h1>
      <SettingsNav />
      <Keys />
      <Audit />
    </>
  );
}

function Keys() {
  const client = useQueryClient();
  const keys = useQuery({ queryKey: ['keys'], queryFn: () => data(api.GET('/v1/keys')) });
  const [copied, setCopied] = useState(false);
  const create = useMutation({
    mutationFn: (body: { name: string; scopes: Scope[] }) => data(api.POST('/v1/keys', { body })),
    onSuccess: () => {
      setCopied(false);
      client.invalidateQueries({ queryKey: ['keys'] });
    },
  });
  const revoke = useMutation({
    mutationFn: (keyId: string) => data(api.DELETE('/v1/keys/{keyId}', { params: { path: { keyId } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ['keys'] }),
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    create.mutate({
      name: String(form.get('name') ?? '').trim(),
      scopes: [String(form.get('scope')) as Scope],
    });
  };
  const copy = async (secret: string) => {
    await navigator.clipboard.writeText(secret);
    setCopied(true);
  };
  const rows = keys.data?.data ?? [];
  return (
    <section aria-labelledby="keys-title">
      <h2 id="keys-title">API keys</h2>
      <form onSubmit={submit} className="inline">
        <label htmlFor="key-name">Name</label>
        <input id="key-name" name="name" required maxLength={100} />
        <label htmlFor="key-scope">Scope</label>
        <select id="key-scope" name="scope" defaultValue="read">
          <option value="read">read</option>
          <option value="write">write</option>
          <option value="admin">admin</option>
        </select>
        <button type="submit" disabled={create.isPending}>
          Create key
        </button>
      </form>
      <ProblemAlert error={create.error} />
      {create.data && (
        <div role="status" className="note">
          <p>
            The key “{create.data.key.name}” is made. Copy its secret now: it is shown this once, Fidelis
            keeps only its hash.
          </p>
          <p>
            Secret: <code className="secret">{create.data.secret}</code>{' '}
            <button type="button" onClick={() => copy(create.data.secret)}>
              {copied ? 'Copied' : 'Copy the secret'}
            </button>{' '}
            <button type="button" onClick={() => create.reset()}>
              Done
            </button>
          </p>
        </div>
      )}
      <ProblemAlert error={keys.error ?? revoke.error} />
      {keys.isPending ? (
        <p className="loading">Loading…</p>
      ) : (
        <table>
          <caption className="visually-hidden">API keys</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Prefix</th>
              <th scope="col">Scopes</th>
              <th scope="col">Created</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((k) => (
              <tr key={k.id}>
                <td>
                  {k.name}
                  <div className="muted">{k.id}</div>
                </td>
                <td>
                  <code>{k.prefix}…</code>
                </td>
                <td>{k.scopes.join(', ')}</td>
                <td>{formatDateTime(k.createdAt)}</td>
                <td>
                  {k.revokedAt ? (
                    `Revoked ${formatDateTime(k.revokedAt)}`
                  ) : (
                    <button
                      type="button"
                      aria-label={`Revoke the key ${k.name}`}
                      disabled={revoke.isPending}
                      onClick={() => {
                        if (window.confirm(`Revoke the key “${k.name}”? Requests with it fail at once.`))
                          revoke.mutate(k.id);
                      }}
                    >
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Audit() {
  const me = useSession().user.id;
  const [filters, setFilters] = useState<{ resourceType?: string; actor?: string }>({});
  const entries = useInfiniteQuery({
    queryKey: ['audit', filters],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      data(
        api.GET('/v1/audit', {
          params: { query: { limit: 25, ...filters, ...(pageParam && { cursor: pageParam }) } },
        }),
      ),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const resourceType = String(form.get('resourceType') ?? '').trim();
    const actor = String(form.get('actor') ?? '').trim();
    setFilters({ ...(resourceType && { resourceType }), ...(actor && { actor }) });
  };
  const rows = entries.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">Audit log</h2>
      <search>
        <form onSubmit={submit} className="inline">
          <label htmlFor="audit-type">Resource type</label>
          <input id="audit-type" name="resourceType" placeholder="rule, api_key, account…" />
          <label htmlFor="audit-actor">Actor</label>
          <input id="audit-actor" name="actor" placeholder="usr_…, key_…, cli" />
          <button type="submit">Filter</button>
        </form>
      </search>
      <ProblemAlert error={entries.error} />
      {entries.isPending ? (
        <p className="loading">Loading…</p>
      ) : rows.length === 0 ? (
        <p>No entry matches.</p>
      ) : (
        <table>
          <caption className="visually-hidden">Audit log, newest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Actor</th>
              <th scope="col">Action</th>
              <th scope="col">Resource</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((e) => (
              <tr key={e.id}>
                <td>{formatDateTime(e.at)}</td>
                <td>
                  {e.actorName ? (
                    <>
                      <ActorName id={e.actor} name={e.actorName} me={me} readsUsers />
                      <div className="muted">
                        <code>{e.actor}</code>
                      </div>
                    </>
                  ) : (
                    <code>{e.actor}</code>
                  )}
                </td>
                <td>{e.action}</td>
                <td>
                  {e.resourceType} <span className="muted">{e.resourceId}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {entries.hasNextPage && (
        <button type="button" onClick={() => entries.fetchNextPage()} disabled={entries.isFetchingNextPage}>
          More entries
        </button>
      )}
    </section>
  );
}
