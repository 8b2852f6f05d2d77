// Referrals: the member's account's referral codes (what they pass on to a business they recommend)
// and the businesses it referred, with their status and what the account earned for each.
import { useQuery } from '@tanstack/react-query';
import { useI18n } from '../i18n';
import { memberApi, type Referrals as ReferralsData } from '../member-api';
import { Failed, Loading } from './common';

type Status = keyof ReturnType<typeof useI18n>['m']['referrals']['status'];
type Earned = NonNullable<ReferralsData['referrals'][number]['earned']>;

export function Referrals() {
  const i = useI18n();
  const { m } = i;
  const referrals = useQuery({ queryKey: ['referrals'], queryFn: memberApi.referrals });
  if (referrals.isPending) return <Loading />;
  if (referrals.isError) return <Failed retry={() => referrals.refetch()} />;
  const { codes, referrals: list } = referrals.data;
  const amount = (e: Earned) =>
    e.unit === 'points' ? i.plural(m.points, e.amount) : i.money(e.amount, e.unit);
  return (
    <>
      <section className="card" aria-labelledby="referrals-title">
        <h1 id="referrals-title">{m.referrals.title}</h1>
        <p>{m.referrals.intro}</p>
        <h2>{m.referrals.codesTitle}</h2>
        {codes.length === 0 ? <p className="muted">{m.referrals.codesNone}</p> : null}
        <ul className="plain" data-testid="codes">
          {codes.map((c) => (
            <li key={c.code} className="line">
              <code className="code" dir="ltr">
                {c.code}
              </code>
              {c.link ? (
                <a href={c.link} className="small" dir="ltr" data-testid="referral-link">
                  {m.referrals.link}
                </a>
              ) : null}
              {c.campaign ? (
                <span className="muted small">
                  {m.referrals.campaign}: <bdi>{c.campaign}</bdi>
                </span>
              ) : null}
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="referred-title">
        <h2 id="referred-title">{m.referrals.listTitle}</h2>
        {list.length === 0 ? <p className="muted">{m.referrals.none}</p> : null}
        <ul className="plain" data-testid="referrals">
          {list.map((r) => (
            <li key={r.id} className="card">
              <h3>
                <bdi>{r.referredName ?? m.referrals.unknown}</bdi>
              </h3>
              <p>
                <span className={`status status-${r.status}`}>
                  {m.referrals.status[r.status as Status] ?? r.status}
                </span>
              </p>
              <p className="muted small">{i.t(m.referrals.referredOn, { date: i.date(r.attributedAt) })}</p>
              {r.status === 'pending' ? (
                <p className="small">{i.t(m.referrals.convertBy, { date: i.date(r.convertBy) })}</p>
              ) : null}
              {r.earned ? (
                <p data-testid="earned">
                  <strong>
                    {i.t(r.earned.pending ? m.referrals.earnedPending : m.referrals.earned, {
                      amount: amount(r.earned),
                    })}
                  </strong>
                </p>
              ) : null}
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
