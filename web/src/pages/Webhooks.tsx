// Settings › Webhooks: the program's endpoints (paged), one added with its signing secret shown once,
// its secret rotated (the new one shown once, the old one signing during the overlap), disabled or
// enabled, its delivery attempts (filtered by message, paged), and messages replayed to it — one by
// id or a time range. All of it needs the admin scope (admin and owner).
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { api, data, type Schemas } from '../api/client';
import { formErrors, pointerIn } from '../components/Fields';
import { ProblemAlert } from '../components/Problem';
import { SettingsNav } from '../components/SettingsNav';
import { formatDateTime } from '../format';
import { can, useSession } from '../session';

type Endpoint = Schemas['WebhookEndpoint'];

export function Webhooks() {
  const session = useSession();
  useEffect(() => {
    document.title = 'Webhooks · Fidelis console';
  }, []);
  return (
    <>
      <h1>Webhooks</h1>
      <SettingsNav />
      {can(session, 'admin') ? (
        <Endpoints />
      ) : (
        <p className="note" role="note">
          Your role ({session.user.role}) may not manage webhooks: that needs an admin or the owner.
        </p>
      )}
    </>
  );
}

/** A secret to copy now: Fidelis shows it once. */
function Secret({ what, secret, onDone }: { what: string; secret: string; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <div role="status" className="note">
      <p>{what} Copy the signing secret now: it is shown this once.</p>
      <p>
        Secret: <code className="secret">{secret}</code>{' '}
        <button
          type="button"
          onClick={async () => {
            await navigator.clipboard.writeText(secret);
            setCopied(true);
          }}
        >
          {copied ? 'Copied' : 'Copy the secret'}
        </button>{' '}
        <button type="button" onClick={onDone}>
          Done
        </button>
      </p>
    </div>
  );
}

function endpointField(path: string): string | undefined {
  return /^\/(url|description|eventTypes)/.exec(pointerIn(path))?.[1];
}

function Endpoints() {
  const client = useQueryClient();
  const [chosen, setChosen] = useState<string | null>(null);
  const [secret, setSecret] = useState<{ what: string; secret: string } | null>(null);
  const [status, setStatus] = useState<'' | 'enabled' | 'disabled'>('');
  const types = useQuery({
    queryKey: ['webhook-event-types'],
    staleTime: 300_000,
    queryFn: () => data(api.GET('/v1/webhook-event-types')),
  });
  const list = useInfiniteQuery({
    queryKey: ['webhook-endpoints'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      data(
        api.GET('/v1/webhook-endpoints', {
          params: { query: { limit: 25, ...(pageParam && { cursor: pageParam }) } },
        }),
      ),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const create = useMutation({
    mutationFn: (body: { url: string; description?: string; eventTypes?: string[] }) =>
      data(api.POST('/v1/webhook-endpoints', { body })),
    onSuccess: (made) => {
      setSecret({ what: `The endpoint ${made.url} is added.`, secret: made.secret });
      client.invalidateQueries({ queryKey: ['webhook-endpoints'] });
    },
  });
  const change = useMutation({
    mutationFn: (input: { id: string; enabled: boolean }) =>
      data(
        api.PATCH('/v1/webhook-endpoints/{endpointId}', {
          params: { path: { endpointId: input.id } },
          body: { enabled: input.enabled },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: ['webhook-endpoints'] }),
  });
  const rotate = useMutation({
    mutationFn: (id: string) =>
      data(
        api.POST('/v1/webhook-endpoints/{endpointId}/rotate-secret', {
          params: { path: { endpointId: id } },
          body: {},
        }),
      ),
    onSuccess: (rotated) => {
      setSecret({
        what: `The secret of ${rotated.url} is rotated; the previous one keeps signing until ${
          rotated.secretRotatingUntil ? formatDateTime(rotated.secretRotatingUntil) : 'now'
        }.`,
        secret: rotated.secret,
      });
      client.invalidateQueries({ queryKey: ['webhook-endpoints'] });
    },
  });
  const f = formErrors(create.error, endpointField, 'endpoint');
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const description = String(form.get('description') ?? '').trim();
    const eventTypes = form.getAll('eventTypes').map(String);
    create.mutate({
      url: String(form.get('url') ?? '').trim(),
      ...(description && { description }),
      ...(eventTypes.length > 0 && { eventTypes }),
    });
  };
  const all = list.data?.pages.flatMap((p) => p.data) ?? [];
  const rows = all.filter((e) => !status || (status === 'enabled') === e.enabled);
  const endpoint = all.find((e) => e.id === chosen);
  return (
    <>
      <section aria-labelledby="endpoint-form-title">
        <h2 id="endpoint-form-title">Add an endpoint</h2>
        <form className="stack" onSubmit={submit} noValidate>
          <label htmlFor={f.field('url').id}>Endpoint URL (https)</label>
          <input {...f.field('url')} type="url" placeholder="https://crm.example.com/fidelis" />
          {f.errorsAt('url')}
          <label htmlFor={f.field('description').id}>Description</label>
          <input {...f.field('description')} />
          {f.errorsAt('description')}
          <fieldset aria-describedby={f.has('eventTypes') ? 'endpoint-eventTypes-errors' : undefined}>
            <legend>Message types (none ticked: every type)</legend>
            <div className="checks">
              {types.data?.data.map((t) => (
                <label className="check" key={t.type} title={t.description}>
                  <input type="checkbox" name="eventTypes" value={t.type} /> {t.type}
                </label>
              ))}
            </div>
          </fieldset>
          {f.errorsAt('eventTypes')}
          {f.alert}
          <span className="actions">
            <button type="submit" disabled={create.isPending}>
              Add the endpoint
            </button>
          </span>
        </form>
        {secret && <Secret what={secret.what} secret={secret.secret} onDone={() => setSecret(null)} />}
      </section>
      <section aria-labelledby="endpoints-title">
        <h2 id="endpoints-title">Endpoints</h2>
        <div className="inline">
          <label htmlFor="endpoint-status">Show</label>{' '}
          <select
            id="endpoint-status"
            value={status}
            onChange={(e) => setStatus(e.target.value as typeof status)}
          >
            <option value="">all endpoints</option>
            <option value="enabled">enabled</option>
            <option value="disabled">disabled</option>
          </select>
        </div>
        <ProblemAlert error={list.error ?? change.error ?? rotate.error} />
        {list.isPending ? (
          <p className="loading">Loading…</p>
        ) : rows.length === 0 ? (
          <p>No endpoint{status ? ` is ${status}` : ' yet'}.</p>
        ) : (
          <table>
            <caption className="visually-hidden">Webhook endpoints</caption>
            <thead>
              <tr>
                <th scope="col">URL</th>
                <th scope="col">Message types</th>
                <th scope="col">State</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((e) => (
                <tr key={e.id}>
                  <td>
                    {e.url}
                    <div className="muted">
                      {e.id}
                      {e.description && ` · ${e.description}`}
                    </div>
                  </td>
                  <td>{e.eventTypes.length ? e.eventTypes.join(', ') : 'every type'}</td>
                  <td>
                    {e.enabled ? 'enabled' : `disabled${e.disabledReason ? ` (${e.disabledReason})` : ''}`}
                    {e.secretRotatingUntil && (
                      <div className="muted">old secret until {formatDateTime(e.secretRotatingUntil)}</div>
                    )}
                  </td>
                  <td>
                    <span className="actions">
                      <button
                        type="button"
                        aria-label={`Deliveries of ${e.url}`}
                        aria-pressed={chosen === e.id}
                        onClick={() => setChosen(chosen === e.id ? null : e.id)}
                      >
                        Deliveries
                      </button>
                      <button
                        type="button"
                        aria-label={`Rotate the secret of ${e.url}`}
                        disabled={rotate.isPending}
                        onClick={() => {
                          if (window.confirm(`Rotate the signing secret of ${e.url}?`)) rotate.mutate(e.id);
                        }}
                      >
                        Rotate the secret
                      </button>
                      <button
                        type="button"
                        aria-label={`${e.enabled ? 'Disable' : 'Enable'} ${e.url}`}
                        disabled={change.isPending}
                        onClick={() => change.mutate({ id: e.id, enabled: !e.enabled })}
                      >
                        {e.enabled ? 'Disable' : 'Enable'}
                      </button>
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {list.hasNextPage && (
          <button type="button" onClick={() => list.fetchNextPage()} disabled={list.isFetchingNextPage}>
            More endpoints
          </button>
        )}
      </section>
      {endpoint && <Deliveries key={endpoint.id} endpoint={endpoint} />}
    </>
  );
}

function Deliveries({ endpoint }: { endpoint: Endpoint }) {
  const client = useQueryClient();
  const [messageId, setMessageId] = useState('');
  const attempts = useInfiniteQuery({
    queryKey: ['webhook-attempts', endpoint.id, messageId],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      data(
        api.GET('/v1/webhook-endpoints/{endpointId}/attempts', {
          params: {
            path: { endpointId: endpoint.id },
            query: { limit: 25, ...(messageId && { messageId }), ...(pageParam && { cursor: pageParam }) },
          },
        }),
      ),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const replay = useMutation({
    mutationFn: (body: { messageId?: string; since?: string; until?: string }) =>
      data(
        api.POST('/v1/webhook-endpoints/{endpointId}/replay', {
          params: { path: { endpointId: endpoint.id } },
          body,
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: ['webhook-attempts', endpoint.id] }),
  });
  const r = formErrors(replay.error, (p) => /^\/(messageId|since|until)/.exec(pointerIn(p))?.[1], 'replay');
  const filter = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setMessageId(String(new FormData(event.currentTarget).get('messageId') ?? '').trim());
  };
  const submitReplay = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    const at = (local: string) => (local ? new Date(local).toISOString() : undefined);
    const one = text('messageId');
    replay.mutate(
      one
        ? { messageId: one }
        : {
            ...(text('since') && { since: at(text('since')) }),
            ...(text('until') && { until: at(text('until')) }),
          },
    );
  };
  const rows = attempts.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <section aria-labelledby="deliveries-title">
      <h2 id="deliveries-title">Deliveries to {endpoint.url}</h2>
      <search>
        <form className="inline" onSubmit={filter}>
          <label htmlFor="attempts-message">Message id</label>
          <input id="attempts-message" name="messageId" />
          <button type="submit">Filter deliveries</button>
        </form>
      </search>
      <ProblemAlert error={attempts.error} />
      {attempts.isPending ? (
        <p className="loading">Loading…</p>
      ) : rows.length === 0 ? (
        <p>No delivery attempt{messageId ? ' of this message' : ' yet'}.</p>
      ) : (
        <table>
          <caption className="visually-hidden">Delivery attempts, newest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Message</th>
              <th scope="col" className="number">
                Attempt
              </th>
              <th scope="col">Status</th>
              <th scope="col" className="number">
                Latency
              </th>
              <th scope="col">Response</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((a) => (
              <tr key={a.id}>
                <td>{formatDateTime(a.at)}</td>
                <td>
                  <code>{a.messageId}</code>
                </td>
                <td className="number">{a.attempt}</td>
                <td>
                  {a.succeeded ? 'delivered' : 'failed'}{' '}
                  {a.status !== null && <span className="muted">({a.status})</span>}
                </td>
                <td className="number">{a.latencyMs} ms</td>
                <td className="explanation">{a.response}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {attempts.hasNextPage && (
        <button type="button" onClick={() => attempts.fetchNextPage()} disabled={attempts.isFetchingNextPage}>
          More deliveries
        </button>
      )}
      <h3>Replay</h3>
      <form className="inline" onSubmit={submitReplay} noValidate>
        <label htmlFor={r.field('messageId').id}>One message id</label>
        <input {...r.field('messageId')} />
        <span>or</span>
        <label htmlFor={r.field('since').id}>Since</label>
        <input {...r.field('since')} type="datetime-local" />
        <label htmlFor={r.field('until').id}>Until</label>
        <input {...r.field('until')} type="datetime-local" />
        <button type="submit" disabled={replay.isPending}>
          Replay to this endpoint
        </button>
      </form>
      {r.errorsAt('messageId')}
      {r.errorsAt('since')}
      {r.errorsAt('until')}
      {r.alert}
      {replay.data && (
        <p role="status" className="note">
          {replay.data.replayed} message{replay.data.replayed === 1 ? '' : 's'} queued again for delivery.
        </p>
      )}
    </section>
  );
}
