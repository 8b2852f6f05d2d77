// The latest firings across the program's automations (GET /v1/automation-firings, decision 0051),
// newest first, a page at a time, filtered by automation (chosen here or by an automation's
// "Firings" button) and by account; each with what it gave.
import { useInfiniteQuery } from '@tanstack/react-query';
import { type FormEvent, useId } from 'react';
import { Link } from 'react-router';
import { api, data, type Schemas } from '../api/client';
import { formatDate, formatDateTime, formatDecimalAmount, formatNumber } from '../format';
import { useBaseCurrency } from '../program';
import { AccountName } from './Names';
import { ProblemAlert } from './Problem';

type Automation = Schemas['Automation'];
type Firing = Schemas['AutomationFiring'];

export interface FiringFilter {
  automation?: string;
  account?: string;
}

export function AutomationFirings({
  automations,
  filter,
  onFilter,
}: {
  automations: Automation[];
  filter: FiringFilter;
  onFilter: (filter: FiringFilter) => void;
}) {
  const id = useId();
  const currency = useBaseCurrency();
  const firings = useInfiniteQuery({
    queryKey: ['automation-firings', filter],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      data(
        api.GET('/v1/automation-firings', {
          params: {
            query: {
              limit: 50,
              ...(filter.automation && { automation: filter.automation }),
              ...(filter.account && { account: filter.account }),
              ...(pageParam && { cursor: pageParam }),
            },
          },
        }),
      ),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const rows = firings.data?.pages.flatMap((p) => p.data) ?? [];
  const nameOf = (code: string) => automations.find((a) => a.code === code)?.name ?? code;
  const of = filter.automation ? nameOf(filter.automation) : undefined;
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    onFilter({ automation: text('automation') || undefined, account: text('account') || undefined });
  };
  const cash = (decimal: string) => (currency ? formatDecimalAmount(decimal, currency) : decimal);
  const gave = (f: Firing) =>
    [
      f.points !== null && `${formatNumber(f.points)} points`,
      f.cashback !== null && `${cash(f.cashback)} cashback`,
      f.badgeAwardId && 'a badge',
      f.redemptionId && (f.rewardIssuedAt ? 'a reward (issued later)' : 'a reward'),
      // A skipped reward is owed until issued later or waived (decision 0053).
      f.rewardSkipped && !f.redemptionId && f.rewardWaivedAt && `reward waived: ${f.rewardWaivedReason}`,
      f.rewardSkipped && !f.redemptionId && !f.rewardWaivedAt && `reward owed: ${f.rewardSkipped}`,
    ]
      .filter(Boolean)
      .join(', ') || '—';
  return (
    <section aria-labelledby="firings-title" className="panel">
      <h2 id="firings-title">{of ? `Latest firings of ${of}` : 'Latest firings'}</h2>
      <search>
        {/* Keyed by the filter, so a row's "Firings" button shows in the fields too. */}
        <form className="inline" onSubmit={submit} key={`${filter.automation}:${filter.account}`}>
          <label htmlFor={`${id}-automation`}>Automation</label>
          <select id={`${id}-automation`} name="automation" defaultValue={filter.automation ?? ''}>
            <option value="">every automation</option>
            {automations.map((a) => (
              <option key={a.code} value={a.code}>
                {a.name}
              </option>
            ))}
          </select>
          <label htmlFor={`${id}-account`}>Account (id or CRM id)</label>
          <input id={`${id}-account`} name="account" defaultValue={filter.account ?? ''} />
          <button type="submit">Show the firings</button>
        </form>
      </search>
      <ProblemAlert error={firings.error} />
      {firings.isPending ? (
        <p className="loading">Loading…</p>
      ) : rows.length === 0 ? (
        !firings.error && <p>{of ? 'It has not fired yet.' : 'No firing matches.'}</p>
      ) : (
        <div className="scroll">
          <table>
            <caption className="visually-hidden">
              {of ? `Firings of ${of}` : 'Firings of every automation'}, newest first
            </caption>
            <thead>
              <tr>
                <th scope="col">Fired</th>
                {!of && <th scope="col">Automation</th>}
                <th scope="col">Account</th>
                <th scope="col">Occurrence</th>
                <th scope="col">Explanation</th>
                <th scope="col">Gave</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((f) => (
                <tr key={`${f.automation}:${f.subjectId}:${f.occurrence}`}>
                  <td>{formatDateTime(f.firedAt)}</td>
                  {!of && <td>{nameOf(f.automation)}</td>}
                  <td>
                    <Link to={`/accounts/${encodeURIComponent(f.accountId)}`}>
                      <AccountName id={f.accountId} />
                    </Link>
                  </td>
                  <td>
                    {f.occurrence}
                    <div className="muted">on {formatDate(f.occurredOn)}</div>
                  </td>
                  <td>{f.explanation}</td>
                  <td>{gave(f)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {firings.hasNextPage && (
        <button type="button" onClick={() => firings.fetchNextPage()} disabled={firings.isFetchingNextPage}>
          More firings
        </button>
      )}
    </section>
  );
}
