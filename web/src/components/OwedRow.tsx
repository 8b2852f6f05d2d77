// One reward owed (decision 0053) as a row of the Rewards owed screen: the member (account and
// contact by name), the reward and whether it is in stock now, what earned it, since when, why it was
// skipped; an admin's Retry (issued now, or refused with the reason: still out of stock) and Waive
// (with a reason). The answer shows on the row: issued (the redemption) or waived, or the API's problem.
// The list is not reloaded at once, so the row stays where it was with its outcome.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { Link } from 'react-router';
import { api, data } from '../api/client';
import { formatDate, formatDateTime } from '../format';
import { AccountName, ContactName } from './Names';
import { ProblemAlert } from './Problem';

async function listOwed() {
  return data(api.GET('/v1/engagement/rewards-owed'));
}
export type Owed = Awaited<ReturnType<typeof listOwed>>['data'][number];

export function OwedRow({ owed: o, why, admin }: { owed: Owed; why: string; admin: boolean }) {
  const id = useId();
  const client = useQueryClient();
  const [waiving, setWaiving] = useState(false);
  const [settled, setSettled] = useState<Owed | null>(null);
  const path = { params: { path: { key: o.key } } };
  const done = (answer: Owed) => {
    setSettled(answer);
    setWaiving(false);
    // Elsewhere the firings say what they gave; this list reloads when its filter changes.
    client.invalidateQueries({ queryKey: ['automation-firings'] });
  };
  const retry = useMutation({
    mutationFn: () => data(api.POST('/v1/engagement/rewards-owed/{key}/retry', path)),
    onSuccess: done,
  });
  const waive = useMutation({
    mutationFn: (reason: string) =>
      data(api.POST('/v1/engagement/rewards-owed/{key}/waive', { ...path, body: { reason } })),
    onSuccess: done,
  });
  const rewardName = o.reward ? (o.reward.name ?? `${o.reward.id} (deleted)`) : 'an unknown reward';
  const state = settled ?? o;
  const submitWaive = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    retry.reset();
    waive.mutate(String(new FormData(event.currentTarget).get('reason') ?? '').trim());
  };
  return (
    <tr data-testid={`owed-${o.key}`}>
      <td>
        <Link to={`/accounts/${encodeURIComponent(o.accountId)}`}>
          <AccountName id={o.accountId} />
        </Link>
        {o.contactId && (
          <div className="muted">
            <Link to={`/contacts/${encodeURIComponent(o.contactId)}`}>
              <ContactName id={o.contactId} />
            </Link>
          </div>
        )}
      </td>
      <td>
        {rewardName}
        {o.reward && <div className="muted">{o.reward.inStock ? 'in stock now' : 'not in stock'}</div>}
      </td>
      <td>
        {why}
        <div className="muted">{o.explanation ?? o.occurrence}</div>
      </td>
      <td>
        <time dateTime={o.owedSince} title={formatDateTime(o.owedSince)}>
          {formatDate(o.owedSince)}
        </time>
      </td>
      <td>{o.reason ?? '—'}</td>
      <td>
        {state.status === 'issued' ? (
          <p role="status" data-testid="owed-status">
            Issued{state.redemptionId ? ` (redemption ${state.redemptionId})` : ''}
          </p>
        ) : state.status === 'waived' ? (
          <p role="status" data-testid="owed-status">
            Waived: {state.waivedReason}
          </p>
        ) : (
          admin && (
            <span className="actions">
              <button
                type="button"
                aria-label={`Retry ${rewardName} for ${o.key}`}
                disabled={retry.isPending || waive.isPending}
                onClick={() => {
                  waive.reset();
                  retry.mutate();
                }}
              >
                Retry
              </button>
              {!waiving && (
                <button
                  type="button"
                  aria-label={`Waive ${rewardName} for ${o.key}`}
                  onClick={() => setWaiving(true)}
                >
                  Waive
                </button>
              )}
            </span>
          )
        )}
        {waiving && state.status === 'owed' && (
          <form className="inline" onSubmit={submitWaive}>
            <label htmlFor={`${id}-reason`}>Why it will not be given</label>
            <input id={`${id}-reason`} name="reason" maxLength={500} />
            <button type="submit" disabled={waive.isPending}>
              Waive it
            </button>
            <button type="button" onClick={() => setWaiving(false)}>
              Cancel
            </button>
          </form>
        )}
        <ProblemAlert error={retry.error ?? waive.error} />
      </td>
    </tr>
  );
}
