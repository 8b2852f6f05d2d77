// An account's latest events, each linked to its explanation on the Events screen (decision 0033).
import { Link } from 'react-router';
import { api, data, type Schemas } from '../api/client';
import { More, Section, usePaged, When } from './AccountSections';
import { ProblemAlert } from './Problem';

type Account = Schemas['Account'];

export function Events({ account }: { account: Account }) {
  const events = usePaged(['account-events', account.id], (cursor) =>
    data(
      api.GET('/v1/events', {
        params: { query: { account: account.id, limit: 10, ...(cursor && { cursor }) } },
      }),
    ),
  );
  return (
    <Section id="events" title="Events">
      <ProblemAlert error={events.query.error} />
      {events.query.isPending ? (
        <p className="loading">Loading…</p>
      ) : events.rows.length === 0 ? (
        <p>No event.</p>
      ) : (
        <table>
          <caption className="visually-hidden">Events of the account, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Occurred</th>
              <th scope="col">Event</th>
              <th scope="col" className="number">
                Amount
              </th>
              <th scope="col" className="number">
                Points
              </th>
              <th scope="col">Rules</th>
            </tr>
          </thead>
          <tbody>
            {events.rows.map((e) => (
              <tr key={e.internalId}>
                <td>
                  <When at={e.occurredAt} time />
                </td>
                <td>
                  {e.type}
                  <div className="muted id">{e.id}</div>
                </td>
                <td className="number">{e.amount !== null ? `${e.amount} ${e.currency ?? ''}` : '—'}</td>
                <td className="number">{e.result.totals.points}</td>
                <td>
                  <Link
                    to={`/events?${new URLSearchParams({ account: account.externalId ?? account.id, event: e.internalId })}`}
                    aria-label={`Why? event ${e.id}`}
                  >
                    Why?
                  </Link>{' '}
                  <span className="muted">
                    {e.result.rules.filter((r) => r.outcome === 'awarded').length} of {e.result.rules.length}{' '}
                    awarded
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <More query={events.query} label="Older events" />
      <p>
        <Link to={`/events?${new URLSearchParams({ account: account.externalId ?? account.id })}`}>
          All the account’s events
        </Link>
      </p>
    </Section>
  );
}
