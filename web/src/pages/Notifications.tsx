// Notifications: the e-mails made for contacts (filtered by state and kind, paged: what was sent,
// skipped or failed, and why) and an account's monthly statement (the figures of the statement e-mail,
// and the document itself as HTML). Backed by /v1/notifications/mails and /v1/accounts/{id}/statements.
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api, data } from '../api/client';
import { ProblemAlert } from '../components/Problem';
import { formatAmount, formatDate, formatDateTime } from '../format';

type MailState = 'pending' | 'sent' | 'skipped' | 'failed';

/** The month before this one, YYYY-MM (the latest whose statement exists). */
function lastMonth(): string {
  const now = new Date();
  const d = new Date(now.getFullYear(), now.getMonth() - 1, 1);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}

export function Notifications() {
  useEffect(() => {
    document.title = 'Notifications · Fidelis console';
  }, []);
  return (
    <>
      <h1>Notifications</h1>
      <p>
        The e-mails the program makes for contacts (notices of what happened to their account, monthly
        statements) and the statement of any account and month.
      </p>
      <Mails />
      <Statement />
    </>
  );
}

function Mails() {
  const [filters, setFilters] = useState<{ state?: MailState; kind?: string }>({});
  const mails = useInfiniteQuery({
    queryKey: ['mails', filters],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      data(
        api.GET('/v1/notifications/mails', {
          params: { query: { limit: 25, ...filters, ...(pageParam && { cursor: pageParam }) } },
        }),
      ),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const state = String(form.get('state') ?? '') as MailState | '';
    const kind = String(form.get('kind') ?? '').trim();
    setFilters({ ...(state && { state }), ...(kind && { kind }) });
  };
  const rows = mails.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <section aria-labelledby="mails-title">
      <h2 id="mails-title">E-mails</h2>
      <search>
        <form className="inline" onSubmit={submit}>
          <label htmlFor="mails-state">State</label>
          <select id="mails-state" name="state" defaultValue="">
            <option value="">any</option>
            <option value="sent">sent</option>
            <option value="pending">pending</option>
            <option value="skipped">skipped</option>
            <option value="failed">failed</option>
          </select>
          <label htmlFor="mails-kind">Kind</label>
          <input id="mails-kind" name="kind" placeholder="statement, tier.changed…" maxLength={64} />
          <button type="submit">Filter e-mails</button>
        </form>
      </search>
      <ProblemAlert error={mails.error} />
      {mails.isPending ? (
        <p className="loading">Loading…</p>
      ) : rows.length === 0 ? (
        <p>
          No e-mail matches. E-mails are made when the program names who receives which notice
          (settings.notifications) and sent when the server has SMTP_URL.
        </p>
      ) : (
        <div className="scroll">
          <table>
            <caption className="visually-hidden">E-mails, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Made</th>
                <th scope="col">Kind</th>
                <th scope="col">To</th>
                <th scope="col">Subject</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((m) => (
                <tr key={m.id}>
                  <td>{formatDateTime(m.createdAt)}</td>
                  <td>
                    {m.kind}
                    {m.period && <div className="muted">{m.period}</div>}
                  </td>
                  <td>
                    <Link to={`/contacts/${encodeURIComponent(m.contactId)}`}>
                      {m.to ?? <span className="muted">{m.contactId}</span>}
                    </Link>
                  </td>
                  <td>{m.subject ?? '—'}</td>
                  <td>
                    {m.state}
                    {m.sentAt && <div className="muted">{formatDateTime(m.sentAt)}</div>}
                    {m.attempts > 1 && <div className="muted">{m.attempts} attempts</div>}
                    {m.lastError && <div className="muted">{m.lastError}</div>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {mails.hasNextPage && (
        <button type="button" onClick={() => mails.fetchNextPage()} disabled={mails.isFetchingNextPage}>
          More e-mails
        </button>
      )}
    </section>
  );
}

function Statement() {
  const [asked, setAsked] = useState<{ account: string; period: string }>();
  const statement = useQuery({
    queryKey: ['statement', asked],
    enabled: !!asked,
    queryFn: () =>
      data(
        api.GET('/v1/accounts/{accountId}/statements/{period}', {
          params: { path: { accountId: asked!.account, period: asked!.period } },
        }),
      ),
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setAsked({
      account: String(form.get('account') ?? '').trim(),
      period: String(form.get('period') ?? ''),
    });
  };
  const s = statement.data;
  return (
    <section aria-labelledby="statement-title">
      <h2 id="statement-title">Statements</h2>
      <form className="inline" onSubmit={submit}>
        <label htmlFor="statement-account">Account (id or CRM id)</label>
        <input id="statement-account" name="account" required maxLength={200} />
        <label htmlFor="statement-period">Month or quarter</label>
        <input
          id="statement-period"
          name="period"
          required
          pattern="\d{4}-((0[1-9]|1[0-2])|Q[1-4])"
          title="YYYY-MM or YYYY-Qn"
          placeholder="YYYY-MM or YYYY-Qn"
          defaultValue={lastMonth()}
        />
        <button type="submit">Show the statement</button>
      </form>
      <ProblemAlert error={statement.error} />
      {s && (
        <div className="panel">
          <h3>
            {s.accountName}, {s.period}
          </h3>
          <p className="muted">
            {formatDate(s.start)} – {formatDate(s.end)} ·{' '}
            <a
              href={`/v1/accounts/${encodeURIComponent(s.accountId)}/statements/${s.period}?format=html`}
              target="_blank"
              rel="noreferrer"
            >
              The statement as mailed (HTML)
            </a>
          </p>
          {s.lines.length === 0 ? (
            <p>The account had no wallet in that month.</p>
          ) : (
            <div className="scroll">
              <table>
                <caption className="visually-hidden">Statement of {s.period}</caption>
                <thead>
                  <tr>
                    <th scope="col">Unit</th>
                    <th scope="col" className="number">
                      Opening
                    </th>
                    <th scope="col" className="number">
                      Earned
                    </th>
                    <th scope="col" className="number">
                      Adjusted
                    </th>
                    <th scope="col" className="number">
                      Redeemed
                    </th>
                    <th scope="col" className="number">
                      Expired
                    </th>
                    <th scope="col" className="number">
                      Other
                    </th>
                    <th scope="col" className="number">
                      Closing
                    </th>
                    <th scope="col" className="number">
                      Expiring within {s.expiringWithinDays} days
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {s.lines.map((l) => (
                    <tr key={l.unit}>
                      <th scope="row">{l.unit}</th>
                      <td className="number">{formatAmount(l.opening, l.unit)}</td>
                      <td className="number">{formatAmount(l.earned, l.unit)}</td>
                      <td className="number">{formatAmount(l.adjusted, l.unit)}</td>
                      <td className="number">{formatAmount(l.redeemed, l.unit)}</td>
                      <td className="number">{formatAmount(l.expired, l.unit)}</td>
                      <td className="number">{formatAmount(l.other, l.unit)}</td>
                      <td className="number" data-testid={`closing-${l.unit}`}>
                        {formatAmount(l.closing, l.unit)}
                      </td>
                      <td className="number">{formatAmount(l.expiringSoon, l.unit)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      )}
    </section>
  );
}
