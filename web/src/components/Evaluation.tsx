// What the rules made of one event: the totals, each rule's outcome and reason, the awards with their
// explanations, reversals and notes. Shown by the Events screen and an account's page.
import type { Schemas } from '../api/client';
import { formatAmount, formatDateTime } from '../format';
import { AccountName } from './Names';

type Event = Schemas['Event'];

/** What the rules made of one event: the totals, each rule's outcome and reason, awards, reversals. */
export function Evaluation({ event }: { event: Event }) {
  const { result } = event;
  return (
    <div className="evaluation">
      <p>
        <strong>
          {event.type} {event.id}
        </strong>{' '}
        for <AccountName id={event.accountId} />: {result.totals.points} points
        {result.totals.cashback > 0 && `, ${result.totals.cashback} cashback`}
        {result.totals.tierCredits > 0 && `, ${result.totals.tierCredits} tier credits`}.
      </p>
      {result.awards.length > 0 && (
        <ul aria-label={`Awards of event ${event.id}`}>
          {result.awards.map((a) => (
            <li key={`${a.ruleId}:${a.kind}:${a.unit}:${a.entryId}`}>
              {a.explanation} <span className="muted">({formatAmount(a.amount, a.unit)}</span>
              {a.pendingUntil && (
                <span className="muted">, pending until {formatDateTime(a.pendingUntil)}</span>
              )}
              <span className="muted">)</span>
            </li>
          ))}
        </ul>
      )}
      <table>
        <caption>Each rule’s outcome for event {event.id}</caption>
        <thead>
          <tr>
            <th scope="col">Rule</th>
            <th scope="col">Version</th>
            <th scope="col">Outcome</th>
            <th scope="col">Why</th>
          </tr>
        </thead>
        <tbody>
          {result.rules.map((r) => (
            <tr key={`${r.ruleId}:${r.ruleVersion}`}>
              <td>{r.name}</td>
              <td>{r.ruleVersion}</td>
              <td>{r.outcome.replaceAll('_', ' ')}</td>
              <td className="explanation">{r.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {result.reversals.length > 0 && (
        <ul aria-label={`Reversals of event ${event.id}`}>
          {result.reversals.map((r) => (
            <li key={`${r.ruleId}:${r.kind}:${r.unit}:${r.entryId}`}>
              {r.how}: {formatAmount(r.amount, r.unit)}
              {r.writtenOff > 0 && ` (${r.writtenOff} written off)`}
            </li>
          ))}
        </ul>
      )}
      {result.notes.length > 0 && (
        <ul aria-label={`Notes on event ${event.id}`}>
          {result.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
