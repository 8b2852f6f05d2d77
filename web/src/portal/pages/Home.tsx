// Home: the balance in points and money, pending and reserved, what expires when, and the status.
import { useQuery } from '@tanstack/react-query';
import { api, data } from '../../api/client';
import { useI18n } from '../i18n';
import { Failed, Loading } from './common';

export function Home() {
  const i = useI18n();
  const { m } = i;
  const home = useQuery({ queryKey: ['home'], queryFn: () => data(api.GET('/portal/api/home')) });
  if (home.isPending) return <Loading />;
  if (home.isError) return <Failed retry={() => home.refetch()} />;
  const { points } = home.data;
  // `qualifies` (a higher tier reached, not applied yet) is newer than the generated client types.
  const tiers = home.data.tiers as Array<
    (typeof home.data.tiers)[number] & { qualifies?: { tier: string; name: string } | null }
  >;
  return (
    <>
      <section className="card balance" aria-labelledby="balance-title">
        <h1 id="balance-title">{m.home.title}</h1>
        <p className="big" data-testid="balance">
          {i.plural(m.points, points.available)}
        </p>
        <p className="muted" data-testid="worth">
          {i.t(m.home.worth, { money: i.money(points.value.minorUnits, points.value.currency) })}
        </p>
        <dl className="figures">
          <div>
            <dt>{m.home.pending}</dt>
            <dd>{i.number(points.pending)}</dd>
          </div>
          <div>
            <dt>{m.home.held}</dt>
            <dd>{i.number(points.held)}</dd>
          </div>
        </dl>
      </section>
      <section className="card" aria-labelledby="expiring-title">
        <h2 id="expiring-title">{m.home.expiringTitle}</h2>
        {points.expiring.length === 0 ? (
          <p className="muted">{m.home.expiringNone}</p>
        ) : (
          <ul className="plain" data-testid="expiring">
            {points.expiring.map((e) => (
              <li key={e.expiresAt}>
                {i.t(m.home.expiringLine, {
                  points: i.plural(m.points, e.amount),
                  date: i.date(e.expiresAt),
                })}
              </li>
            ))}
          </ul>
        )}
      </section>
      {tiers.map((tier) => (
        <section
          className="card"
          key={tier.ladderName}
          aria-label={`${m.home.tierTitle}: ${tier.ladderName}`}
          data-testid="tier"
        >
          <h2>{m.home.tierTitle}</h2>
          {tier.tierName ? (
            <p>{i.t(m.home.tierCurrent, { tier: tier.tierName })}</p>
          ) : tier.qualifies ? null : (
            <p>{m.home.tierNone}</p>
          )}
          {tier.qualifies ? (
            // Reached already, applied by the next activity or evaluation: never "0 more to reach".
            <p className="qualifies">{i.t(m.home.tierQualifies, { tier: tier.qualifies.name })}</p>
          ) : null}
          {tier.next ? (
            <>
              <progress
                max={Number(tier.next.threshold)}
                value={Math.min(Number(tier.metric), Number(tier.next.threshold))}
                aria-label={i.t(m.home.tierProgress, { tier: tier.next.name })}
              />
              <p>
                {i.t(m.home.tierNext, {
                  needed: i.number(tier.next.needed),
                  tier: tier.next.name,
                  date: i.date(tier.next.by),
                })}
              </p>
            </>
          ) : tier.tierName && !tier.qualifies ? (
            <p>{m.home.tierTop}</p>
          ) : null}
        </section>
      ))}
    </>
  );
}
