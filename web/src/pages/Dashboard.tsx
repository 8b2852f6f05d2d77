// The dashboard, the console's landing screen: how many accounts the program has, its points
// liability (in points and in money, from GET /v1/reports/liability) with what expires in the next
// months, and how many redemptions wait for approval (a link to the inbox). Only existing API reads.
import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Link } from 'react-router';
import { api, data } from '../api/client';
import { ProblemAlert } from '../components/Problem';
import { formatAmount } from '../format';

/** Pages read to count (500 a page): beyond this, the figure shows as "at least". */
const COUNT_PAGES = 10;

/** Counts a list by paging through it (the API has no count read); capped at COUNT_PAGES pages. */
async function countPages(
  read: (cursor: string | undefined) => Promise<{ data: unknown[]; nextCursor?: string | null }>,
): Promise<{ count: number; more: boolean }> {
  let count = 0;
  let cursor: string | undefined;
  for (let i = 0; i < COUNT_PAGES; i++) {
    const page = await read(cursor);
    count += page.data.length;
    if (!page.nextCursor) return { count, more: false };
    cursor = page.nextCursor;
  }
  return { count, more: true };
}

const number = new Intl.NumberFormat(navigator.language || 'en');
const shown = (c: { count: number; more: boolean }) =>
  `${c.more ? 'at least ' : ''}${number.format(c.count)}`;

export function Dashboard() {
  useEffect(() => {
    document.title = 'Dashboard · Fidelis console';
  }, []);
  const accounts = useQuery({
    queryKey: ['dashboard', 'accounts'],
    queryFn: () =>
      countPages((cursor) =>
        data(api.GET('/v1/accounts', { params: { query: { limit: 500, ...(cursor && { cursor }) } } })),
      ),
  });
  const pending = useQuery({
    queryKey: ['redemptions', 'pending_approval', 'count'],
    queryFn: () =>
      countPages((cursor) =>
        data(
          api.GET('/v1/redemptions', {
            params: { query: { status: 'pending_approval', limit: 500, ...(cursor && { cursor }) } },
          }),
        ),
      ),
  });
  const liability = useQuery({
    queryKey: ['dashboard', 'liability'],
    queryFn: () => data(api.GET('/v1/reports/liability')),
  });
  const points = liability.data?.units.find((u) => u.unit === 'points');
  const cash = liability.data?.units.filter((u) => u.unit !== 'points') ?? [];
  const expiring = points?.expiringByMonth.filter((m) => m.amount > 0) ?? [];
  return (
    <>
      <h1>Dashboard</h1>
      <ProblemAlert error={accounts.error ?? pending.error ?? liability.error} />
      <div className="cards">
        <section className="card" aria-labelledby="kpi-accounts">
          <h2 id="kpi-accounts">Accounts</h2>
          <p className="figure" data-testid="accounts-count">
            {accounts.data ? shown(accounts.data) : '…'}
          </p>
          <Link to="/accounts">All accounts</Link>
        </section>
        <section className="card" aria-labelledby="kpi-approvals">
          <h2 id="kpi-approvals">Waiting for approval</h2>
          <p className="figure" data-testid="pending-count">
            {pending.data ? shown(pending.data) : '…'}
          </p>
          <Link to="/approvals">Open the approvals inbox</Link>
        </section>
        <section className="card" aria-labelledby="kpi-liability">
          <h2 id="kpi-liability">Points liability</h2>
          {liability.isPending ? (
            <p className="loading">Loading…</p>
          ) : points ? (
            <dl>
              <dt>Outstanding</dt>
              <dd data-testid="points-outstanding">{formatAmount(points.outstanding, 'points')}</dd>
              <dt>Worth</dt>
              <dd data-testid="points-value">
                {formatAmount(points.value.minorUnits, points.value.currency)}
              </dd>
              <dt>Pending</dt>
              <dd>{formatAmount(points.pending, 'points')}</dd>
              <dt>Held</dt>
              <dd>{formatAmount(points.held, 'points')}</dd>
              <dt>Wallets</dt>
              <dd>{number.format(points.wallets)}</dd>
            </dl>
          ) : (
            <p>No points wallet yet.</p>
          )}
          {liability.data && (
            <p className="muted">
              At {liability.data.costPerPoint} {liability.data.baseCurrency} a point.
            </p>
          )}
        </section>
        {cash.map((u) => (
          <section className="card" key={u.unit} aria-labelledby={`kpi-${u.unit}`}>
            <h2 id={`kpi-${u.unit}`}>{u.unit} wallets</h2>
            <dl>
              <dt>Outstanding</dt>
              <dd>{formatAmount(u.outstanding, u.unit)}</dd>
              <dt>Wallets</dt>
              <dd>{number.format(u.wallets)}</dd>
            </dl>
          </section>
        ))}
      </div>
      {points && (
        <section aria-labelledby="expiring-title">
          <h2 id="expiring-title">Points expiring in the next 12 months</h2>
          {expiring.length === 0 ? (
            <p>No points expire in the next 12 months.</p>
          ) : (
            <table>
              <caption className="visually-hidden">Points expiring by month</caption>
              <thead>
                <tr>
                  <th scope="col">Month</th>
                  <th scope="col" className="number">
                    Points
                  </th>
                  <th scope="col">
                    <span className="visually-hidden">Share</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {expiring.map((m) => (
                  <tr key={m.month}>
                    <td>{m.month}</td>
                    <td className="number">{number.format(m.amount)}</td>
                    <td aria-hidden="true">
                      <span
                        className="bar"
                        style={{
                          width: `${Math.max(1, (m.amount / Math.max(...expiring.map((e) => e.amount))) * 100)}%`,
                        }}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
    </>
  );
}
