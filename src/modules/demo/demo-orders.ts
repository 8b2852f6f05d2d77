// The demo program's orders: the purchases behind its year of points, with some returns, so that
// the KPIs, cohorts and RFM segments of the demo have something to show.
import type { EventInput } from '../events/events-service.ts';
import type { DemoMovement } from './demo-data.ts';

/**
 * The orders behind the year of points (one purchase event per order, in euros), with a return of
 * half of every ninth order a week later: what the KPIs (repeat rate, CLV, retention, cohorts) count.
 */
export function demoOrders(movements: DemoMovement[]): EventInput[] {
  const out: EventInput[] = [];
  const orders = movements.filter((m) => m.op === 'credit' && m.reasonCode === 'purchase');
  for (const [i, m] of orders.entries()) {
    const order = m.key.split(':')[1]!;
    out.push({
      id: order,
      type: 'purchase',
      account: m.account,
      occurredAt: m.effectiveAt.toISOString(),
      amount: `${m.amount}.00`,
      currency: 'EUR',
      references: { orderId: order },
    });
    if (i % 9 === 4)
      out.push({
        id: `RMA-${order}`,
        type: 'return',
        account: m.account,
        occurredAt: new Date(m.effectiveAt.getTime() + 7 * 86_400_000).toISOString(),
        amount: `${Math.floor(m.amount / 2)}.00`,
        currency: 'EUR',
        references: { originalEventId: order },
      });
  }
  return out;
}
