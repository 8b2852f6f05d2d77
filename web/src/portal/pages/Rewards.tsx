// Rewards: the catalog as this member may redeem it — what is short or missing, in their language —
// and redeeming (an Idempotency-Key per request, so a retry never redeems twice).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, data, idempotencyKey } from '../../api/client';
import { useI18n } from '../i18n';
import { Failed, Loading } from './common';

export function Rewards() {
  const i = useI18n();
  const { m } = i;
  const queryClient = useQueryClient();
  const [message, setMessage] = useState('');
  const catalog = useQuery({
    queryKey: ['rewards', i.language],
    queryFn: () =>
      data(api.GET('/portal/api/rewards', { params: { query: { locale: i.language, limit: 100 } } })),
  });
  const redeem = useMutation({
    mutationFn: (reward: string) =>
      data(
        api.POST('/portal/api/redemptions', {
          params: { header: { 'idempotency-key': idempotencyKey() } },
          body: { reward },
        }),
      ),
    onSuccess: (r) => {
      setMessage(
        i.t(r.status === 'pending_approval' ? m.rewards.waiting : m.rewards.done, { reward: r.rewardName }),
      );
      for (const key of ['home', 'rewards', 'mine', 'history'])
        queryClient.invalidateQueries({ queryKey: [key] });
    },
    onError: () => setMessage(m.failed),
  });
  if (catalog.isPending) return <Loading />;
  if (catalog.isError) return <Failed retry={() => catalog.refetch()} />;
  return (
    <section aria-labelledby="rewards-title">
      <h1 id="rewards-title">{m.rewards.title}</h1>
      <p role="status" className="notice" data-testid="redeem-status">
        {message}
      </p>
      {catalog.data.data.length === 0 ? <p className="muted">{m.rewards.none}</p> : null}
      <ul className="plain grid">
        {catalog.data.data.map((r) => {
          const can = r.redeemable;
          // Why not, in the member's language: "380 points short", "needs Gold", "out of stock";
          // a reason the portal cannot word yet shows as English in English, else as "not available".
          const reasons = (can?.reasons ?? []).map((reason) => {
            if (can?.shortBy && / short$/.test(reason)) return i.plural(m.rewards.short, can.shortBy);
            const tier = /^needs (?!the membership )(.+)$/.exec(reason);
            if (tier) return i.t(m.rewards.needs, { tier: tier[1]! });
            if (reason === 'out of stock') return m.rewards.outOfStock;
            return i.language === 'en' ? reason : m.rewards.unavailable;
          });
          return (
            <li key={r.id} className="card reward" aria-labelledby={`reward-${r.id}`}>
              <h2 id={`reward-${r.id}`}>{r.name}</h2>
              {r.description ? <p className="muted">{r.description}</p> : null}
              <p className="price">{i.plural(m.points, r.price.amount)}</p>
              {r.inCurrency?.faceValue ? (
                <p className="small worth" title={r.inCurrency.note ?? undefined}>
                  {i.t(
                    r.inCurrency.faceValue.source === 'converted'
                      ? m.rewards.worthConverted
                      : m.rewards.worth,
                    {
                      value: i.money(r.inCurrency.faceValue.amount, r.inCurrency.currency),
                    },
                  )}
                </p>
              ) : null}
              {can?.ok ? (
                <button
                  type="button"
                  onClick={() => redeem.mutate(r.id)}
                  disabled={redeem.isPending}
                  aria-describedby={`reward-${r.id}`}
                >
                  {redeem.isPending && redeem.variables === r.id ? m.rewards.redeeming : m.rewards.redeem}
                </button>
              ) : (
                <p className="why">{reasons.length > 0 ? reasons.join(' · ') : m.rewards.unavailable}</p>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
