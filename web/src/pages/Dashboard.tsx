// The dashboard, the console's landing screen: how many accounts the program has, its points
// liability (in points and in money, from GET /v1/reports/liability) with what expires in the next
// months, how many redemptions wait for approval (a link to the inbox), and the points issued and
// redeemed per day of the last 30 days (GET /v1/reports/points-activity): a chart drawn as SVG (no
// chart library: the figures on hover) with the same figures in a table.
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
  const activity = useQuery({
    queryKey: ['dashboard', 'activity'],
    queryFn: () => data(api.GET('/v1/reports/points-activity', { params: { query: { days: 30 } } })),
  });
  const points = liability.data?.units.find((u) => u.unit === 'points');
  const cash = liability.data?.units.filter((u) => u.unit !== 'points') ?? [];
  const expiring = points?.expiringByMonth.filter((m) => m.amount > 0) ?? [];
  return (
    <>
      <h1>Dashboard</h1>
      <ProblemAlert error={accounts.error ?? pending.error ?? liability.error ?? activity.error} />
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
      <section aria-labelledby="activity-title">
        <h2 id="activity-title">Points issued and redeemed, last 30 days</h2>
        {activity.data ? (
          <ActivityChart days={activity.data.days} timeZone={activity.data.timeZone} />
        ) : (
          <p className="loading">Loading…</p>
        )}
      </section>
      <Kpis />
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

type Day = { day: string; issued: number; redeemed: number };

const WIDTH = 720;
const HEIGHT = 180;
const PAD = 24;

/** Two bars a day (issued, redeemed), each with its figure as a tooltip; the table below says the same. */
function ActivityChart({ days, timeZone }: { days: Day[]; timeZone: string }) {
  const max = Math.max(1, ...days.flatMap((d) => [d.issued, d.redeemed]));
  const slot = (WIDTH - PAD) / days.length;
  const bar = Math.max(1, slot / 2 - 1);
  const y = (v: number) => (v / max) * (HEIGHT - PAD);
  const issued = days.reduce((s, d) => s + d.issued, 0);
  const redeemed = days.reduce((s, d) => s + d.redeemed, 0);
  return (
    <>
      <p>
        {number.format(issued)} points issued and {number.format(redeemed)} redeemed from {days[0]?.day} to{' '}
        {days.at(-1)?.day} (days of {timeZone}). <span className="legend issued">issued</span>{' '}
        <span className="legend redeemed">redeemed</span>
      </p>
      <svg
        className="chart"
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={`Bar chart: ${number.format(issued)} points issued and ${number.format(redeemed)} redeemed over ${days.length} days; the table below gives each day.`}
      >
        <text x={0} y={12} className="axis">
          {number.format(max)}
        </text>
        <line x1={PAD} x2={WIDTH} y1={HEIGHT - PAD} y2={HEIGHT - PAD} className="baseline" />
        {days.map((d, i) => {
          const x = PAD + i * slot;
          return (
            <g key={d.day}>
              <rect x={x} y={HEIGHT - PAD - y(d.issued)} width={bar} height={y(d.issued)} className="issued">
                <title>{`${d.day}: ${number.format(d.issued)} points issued`}</title>
              </rect>
              <rect
                x={x + bar + 1}
                y={HEIGHT - PAD - y(d.redeemed)}
                width={bar}
                height={y(d.redeemed)}
                className="redeemed"
              >
                <title>{`${d.day}: ${number.format(d.redeemed)} points redeemed`}</title>
              </rect>
              {i % 7 === 0 && (
                <text x={x} y={HEIGHT - 6} className="axis">
                  {d.day.slice(5)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <details>
        <summary>The figures by day</summary>
        <table>
          <caption className="visually-hidden">Points issued and redeemed by day</caption>
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col" className="number">
                Issued
              </th>
              <th scope="col" className="number">
                Redeemed
              </th>
            </tr>
          </thead>
          <tbody>
            {days.map((d) => (
              <tr key={d.day}>
                <th scope="row">{d.day}</th>
                <td className="number">{number.format(d.issued)}</td>
                <td className="number">{number.format(d.redeemed)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </>
  );
}

const rate = (r: number | null) =>
  r === null
    ? '—'
    : new Intl.NumberFormat(navigator.language || 'en', {
        style: 'percent',
        maximumFractionDigits: 1,
      }).format(r);

/** The program's KPIs of the last twelve months (GET /v1/reports/kpis, the insight module). */
function Kpis() {
  const report = useQuery({
    queryKey: ['dashboard', 'kpis'],
    queryFn: () => data(api.GET('/v1/reports/kpis')),
  });
  const r = report.data;
  const k = r?.kpis;
  const money = (amount: string | null) =>
    amount === null || !r
      ? '—'
      : new Intl.NumberFormat(navigator.language || 'en', { style: 'currency', currency: r.currency }).format(
          Number(amount),
        );
  return (
    <section aria-labelledby="kpis-title">
      <h2 id="kpis-title">Program KPIs{r && `, ${r.from} to ${r.to}`}</h2>
      <ProblemAlert error={report.error} />
      {!k ? (
        report.isPending && <p className="loading">Loading…</p>
      ) : (
        <div className="cards">
          <section className="card" aria-labelledby="kpi-customers">
            <h3 id="kpi-customers">Customers</h3>
            <dl>
              <dt>Active accounts</dt>
              <dd data-testid="kpi-active-accounts">{number.format(k.activeAccounts)}</dd>
              <dt>Repeat customers</dt>
              <dd>
                {number.format(k.repeatCustomers)} ({rate(k.repeatCustomerRate)})
              </dd>
              <dt>Average retention a month</dt>
              <dd>{rate(k.retention.averageRetentionRate)}</dd>
              <dt>Average churn a month</dt>
              <dd>{rate(k.retention.averageChurnRate)}</dd>
            </dl>
          </section>
          <section className="card" aria-labelledby="kpi-orders">
            <h3 id="kpi-orders">Orders</h3>
            <dl>
              <dt>Orders</dt>
              <dd data-testid="kpi-orders">{number.format(k.orders)}</dd>
              <dt>Net revenue</dt>
              <dd data-testid="kpi-net-revenue">{money(k.netRevenue)}</dd>
              <dt>Average order value</dt>
              <dd>{money(k.averageOrderValue)}</dd>
              <dt>Customer lifetime value (predicted)</dt>
              <dd>{money(k.clv.predicted)}</dd>
            </dl>
          </section>
          <section className="card" aria-labelledby="kpi-points">
            <h3 id="kpi-points">Points</h3>
            <dl>
              <dt>Issued</dt>
              <dd data-testid="kpi-points-issued">{number.format(k.points.issued)}</dd>
              <dt>Redeemed</dt>
              <dd>{number.format(k.points.redeemed)}</dd>
              <dt>Redemption rate</dt>
              <dd>{rate(k.points.redemptionRate)}</dd>
              <dt>Breakage (estimated)</dt>
              <dd>{rate(k.points.breakage.estimatedRate)}</dd>
            </dl>
          </section>
        </div>
      )}
      <p>
        <Link to="/insight">Cohorts, NPS and exports</Link>
      </p>
    </section>
  );
}
