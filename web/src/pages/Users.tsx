// Settings › Users: the program's console users (filtered by role, paged), a form to create one (a
// generated password shown once), and per user: change the role, disable or enable, reset the
// password. Admins and owners only; the API's refusals (a role above one's own, the last owner) show
// on the form or the row they came from (decision 0030).
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { api, data, type Schemas } from '../api/client';
import { formErrors, pointerIn } from '../components/Fields';
import { ProblemAlert } from '../components/Problem';
import { SettingsNav } from '../components/SettingsNav';
import { formatDateTime } from '../format';
import { can, type Role, useSession } from '../session';

type ConsoleUser = Schemas['ConsoleUser'];

const ROLES: Role[] = ['viewer', 'approver', 'manager', 'admin', 'owner'];
const ROLE_WORDS: Record<Role, string> = {
  viewer: 'viewer (reads)',
  approver: 'approver (reads, decides approvals)',
  manager: 'manager (writes, decides approvals)',
  admin: 'admin (everything but owners)',
  owner: 'owner (everything)',
};

export function Users() {
  const session = useSession();
  useEffect(() => {
    document.title = 'Users · Fidelis console';
  }, []);
  return (
    <>
      <h1>Users</h1>
      <SettingsNav />
      {can(session, 'admin') ? (
        <>
          <CreateUser />
          <UserList />
        </>
      ) : (
        <p className="note" role="note">
          Your role ({session.user.role}) may not manage console users: that needs an admin or the owner.
        </p>
      )}
    </>
  );
}

/** The generated password, shown once with a copy button. */
function Secret({ label, password, onDone }: { label: string; password: string; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <div role="status" className="note">
      <p>{label} Copy the password now: it is shown this once, Fidelis keeps only its hash.</p>
      <p>
        Password: <code className="secret">{password}</code>{' '}
        <button
          type="button"
          onClick={async () => {
            await navigator.clipboard.writeText(password);
            setCopied(true);
          }}
        >
          {copied ? 'Copied' : 'Copy the password'}
        </button>{' '}
        <button type="button" onClick={onDone}>
          Done
        </button>
      </p>
    </div>
  );
}

function CreateUser() {
  const client = useQueryClient();
  const create = useMutation({
    mutationFn: (body: { email: string; name?: string; role: Role; password?: string }) =>
      data(api.POST('/v1/users', { body })),
    onSuccess: () => client.invalidateQueries({ queryKey: ['users'] }),
  });
  const fields = formErrors(
    create.error,
    (path) => {
      const field = pointerIn(path).slice(1);
      return ['email', 'name', 'role', 'password'].includes(field) ? field : undefined;
    },
    'new-user',
  );
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    create.mutate({
      email: text('email'),
      role: text('role') as Role,
      ...(text('name') && { name: text('name') }),
      ...(text('password') && { password: String(form.get('password')) }),
    });
  };
  return (
    <section aria-labelledby="new-user-title">
      <h2 id="new-user-title">Add a user</h2>
      <form onSubmit={submit} noValidate>
        <fieldset className="fields">
          <legend>New console user</legend>
          <label htmlFor="new-user-email">E-mail</label>
          <input {...fields.field('email')} type="email" autoComplete="off" required maxLength={254} />
          {fields.errorsAt('email')}
          <label htmlFor="new-user-name">Name</label>
          <input {...fields.field('name')} maxLength={200} />
          {fields.errorsAt('name')}
          <label htmlFor="new-user-role">Role</label>
          <select {...fields.field('role')} defaultValue="viewer">
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_WORDS[r]}
              </option>
            ))}
          </select>
          {fields.errorsAt('role')}
          <label htmlFor="new-user-password">Initial password (empty: one is generated)</label>
          <input {...fields.field('password')} type="password" autoComplete="new-password" maxLength={200} />
          {fields.errorsAt('password')}
        </fieldset>
        <button type="submit" disabled={create.isPending}>
          Create the user
        </button>
      </form>
      {fields.alert}
      {create.data &&
        (create.data.password ? (
          <Secret
            label={`The user ${create.data.user.email} is made.`}
            password={create.data.password}
            onDone={() => create.reset()}
          />
        ) : (
          <p role="status">The user {create.data.user.email} is made with the password given.</p>
        ))}
    </section>
  );
}

function UserList() {
  const [role, setRole] = useState<Role | ''>('');
  const users = useInfiniteQuery({
    queryKey: ['users', role],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      data(
        api.GET('/v1/users', {
          params: { query: { limit: 50, ...(role && { role }), ...(pageParam && { cursor: pageParam }) } },
        }),
      ),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const rows = users.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <section aria-labelledby="users-title">
      <h2 id="users-title">Console users</h2>
      <search>
        <form className="inline" onSubmit={(e) => e.preventDefault()}>
          <label htmlFor="users-role">Show role</label>
          <select id="users-role" value={role} onChange={(e) => setRole(e.target.value as Role | '')}>
            <option value="">all roles</option>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </form>
      </search>
      <ProblemAlert error={users.error} />
      {users.isPending ? (
        <p className="loading">Loading…</p>
      ) : rows.length === 0 ? (
        <p>No user has this role.</p>
      ) : (
        <div className="scroll">
          <table>
            <caption className="visually-hidden">Console users</caption>
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Role</th>
                <th scope="col">State</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((u) => (
                <UserRow key={u.id} user={u} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {users.hasNextPage && (
        <button type="button" onClick={() => users.fetchNextPage()} disabled={users.isFetchingNextPage}>
          More users
        </button>
      )}
    </section>
  );
}

function UserRow({ user }: { user: ConsoleUser }) {
  const client = useQueryClient();
  const session = useSession();
  const [role, setRole] = useState<Role>(user.role);
  const [password, setPassword] = useState<string>();
  const done = () => client.invalidateQueries({ queryKey: ['users'] });
  const path = { params: { path: { userId: user.id } } };
  const change = useMutation({
    mutationFn: () => data(api.PATCH('/v1/users/{userId}', { ...path, body: { role } })),
    onSuccess: done,
  });
  const toggle = useMutation({
    mutationFn: () =>
      data(
        user.disabledAt
          ? api.POST('/v1/users/{userId}/enable', path)
          : api.POST('/v1/users/{userId}/disable', path),
      ),
    onSuccess: done,
  });
  const reset = useMutation({
    mutationFn: () => data(api.POST('/v1/users/{userId}/password', { ...path, body: {} })),
    onSuccess: (answer) => setPassword(answer.password),
  });
  const me = user.id === session.user.id;
  const selectId = `role-${user.id}`;
  return (
    <tr>
      <td>
        {user.name ?? user.email}
        {me && <span className="muted"> (you)</span>}
        <div className="muted">{user.email}</div>
      </td>
      <td>
        <span className="actions">
          <label className="visually-hidden" htmlFor={selectId}>
            Role of {user.email}
          </label>
          <select id={selectId} value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
          <button
            type="button"
            aria-label={`Save role of ${user.email}`}
            disabled={role === user.role || change.isPending}
            onClick={() => change.mutate()}
          >
            Save role
          </button>
        </span>
        <ProblemAlert error={change.error} />
      </td>
      <td>{user.disabledAt ? `Disabled ${formatDateTime(user.disabledAt)}` : 'Enabled'}</td>
      <td>
        <span className="actions">
          <button
            type="button"
            aria-label={`${user.disabledAt ? 'Enable' : 'Disable'} ${user.email}`}
            disabled={toggle.isPending}
            onClick={() => {
              if (
                user.disabledAt ||
                window.confirm(`Disable ${user.email}? Their sessions end at once and they cannot sign in.`)
              )
                toggle.mutate();
            }}
          >
            {user.disabledAt ? 'Enable' : 'Disable'}
          </button>
          <button
            type="button"
            aria-label={`Reset password of ${user.email}`}
            disabled={reset.isPending}
            onClick={() => {
              if (window.confirm(`Reset the password of ${user.email}? Their sessions end.`)) reset.mutate();
            }}
          >
            Reset password
          </button>
        </span>
        <ProblemAlert error={toggle.error ?? reset.error} />
        {password && (
          <Secret
            label={`The password of ${user.email} is reset.`}
            password={password}
            onDone={() => setPassword(undefined)}
          />
        )}
      </td>
    </tr>
  );
}
