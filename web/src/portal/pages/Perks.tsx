// Memberships and perks: the account's memberships (plan, status, when the term ends or renews) and
// the perks (entitlements) they give, with their codes and dates.
import { useQuery } from '@tanstack/react-query';
import { useI18n } from '../i18n';
import { memberApi, type Perks as PerksData } from '../member-api';
import { Failed, Loading } from './common';

type Status = 'pending' | 'active' | 'lapsed' | 'cancelled' | 'rejected';
type Entitlement = PerksData['entitlements'][number];

export function Perks() {
  const i = useI18n();
  const { m } = i;
  const perks = useQuery({ queryKey: ['perks'], queryFn: memberApi.perks });
  if (perks.isPending) return <Loading />;
  if (perks.isError) return <Failed retry={() => perks.refetch()} />;
  const { memberships, entitlements } = perks.data;
  /** What a perk gives, in the member's words; the operator's key names a flag. */
  const what = (e: Entitlement) => {
    const name = e.key.replace(/_/g, ' ');
    if (e.kind === 'discount_code' && e.code)
      return e.percent
        ? i.t(m.perks.discountPercent, { code: e.code, percent: i.number(e.percent) })
        : i.t(m.perks.discount, { code: e.code });
    if (e.kind === 'service_credit' && e.amount !== null)
      return e.unit === 'points'
        ? i.t(m.perks.creditPoints, { points: i.plural(m.points, e.amount) })
        : i.t(m.perks.credit, { money: i.money(e.amount, e.unit ?? 'EUR') });
    return name;
  };
  return (
    <section aria-labelledby="perks-title">
      <h1 id="perks-title">{m.perks.title}</h1>
      {memberships.length === 0 ? <p className="muted">{m.perks.none}</p> : null}
      <ul className="plain" data-testid="memberships">
        {memberships.map((ms) => (
          <li key={ms.id} className="card">
            <h2>
              <bdi>{ms.planName}</bdi>
            </h2>
            {ms.planDescription ? (
              <p className="muted">
                <bdi>{ms.planDescription}</bdi>
              </p>
            ) : null}
            <p>
              <span className={`status status-${ms.status}`}>
                {m.perks.status[ms.status as Status] ?? ms.status}
              </span>
            </p>
            {ms.endsAt && ms.status === 'active' ? (
              <p data-testid="term-end">
                {i.t(ms.renewal === 'auto' ? m.perks.renews : m.perks.ends, { date: i.date(ms.endsAt) })}
              </p>
            ) : null}
            <h3>{m.perks.perksTitle}</h3>
            <ul className="perks" data-testid="perks">
              {entitlements
                .filter((e) => e.membershipId === ms.id)
                .map((e) => (
                  <li key={`${e.key}:${e.validFrom}`}>
                    <span>
                      <bdi>{what(e)}</bdi>
                    </span>{' '}
                    <span className="muted small">
                      {e.active
                        ? i.t(m.perks.until, { date: i.date(e.validUntil) })
                        : i.t(m.perks.ended, { date: i.date(e.validUntil) })}
                    </span>
                  </li>
                ))}
            </ul>
          </li>
        ))}
      </ul>
    </section>
  );
}
