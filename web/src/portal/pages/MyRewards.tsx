// My rewards: the member's redemptions and their approval status, refreshed while any is waiting;
// a code is shown once the reward is fulfilled.
import { useQuery } from '@tanstack/react-query';
import { api, data } from '../../api/client';
import { useI18n } from '../i18n';
import { Failed, Loading } from './common';

type Status = 'pending_approval' | 'approved' | 'fulfilled' | 'rejected' | 'cancelled' | 'failed';

export function MyRewards() {
  const i = useI18n();
  const { m } = i;
  const mine = useQuery({
    queryKey: ['mine', i.language],
    queryFn: () =>
      data(api.GET('/portal/api/redemptions', { params: { query: { locale: i.language, limit: 50 } } })),
    refetchInterval: (q) =>
      q.state.data?.data.some((r) => r.status === 'pending_approval' || r.status === 'approved')
        ? 3_000
        : false,
  });
  if (mine.isPending) return <Loading />;
  if (mine.isError) return <Failed retry={() => mine.refetch()} />;
  return (
    <section aria-labelledby="mine-title">
      <h1 id="mine-title">{m.mine.title}</h1>
      {mine.data.data.length === 0 ? <p className="muted">{m.mine.none}</p> : null}
      <ul className="plain" data-testid="redemptions">
        {mine.data.data.map((r) => (
          <li key={r.id} className="card">
            <h2>{r.rewardName}</h2>
            <p>
              <span className={`status status-${r.status}`}>
                {m.mine.status[r.status as Status] ?? r.status}
              </span>
            </p>
            <p className="muted small">{i.t(m.mine.requested, { date: i.date(r.createdAt) })}</p>
            {r.code ? (
              <p>
                {m.mine.code}: <code className="code">{r.code}</code>
              </p>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
