// Engagement › Leaderboards: the form that creates a leaderboard — points earned, qualifying spend, or
// a challenge's progress (decision 0062: the challenge chosen from the program's challenges; a contact
// challenge's leaderboard ranks its contacts) over each calendar period. Refusals show at their fields.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, data } from '../api/client';
import type { paths } from '../api/schema';
import { Field, formErrors, pointerIn } from '../components/Fields';

type LeaderboardBody = paths['/v1/leaderboards']['post']['requestBody']['content']['application/json'];
type Metric = LeaderboardBody['metric'];

/** /body/challenge → challenge; /body/window/period → period. */
function leaderboardField(path: string): string | undefined {
  const p = pointerIn(path);
  if (p.startsWith('/window')) return 'period';
  return /^\/(code|name|metric|challenge|goal|size)/.exec(p)?.[1];
}

export function LeaderboardForm({ onDone }: { onDone: () => void }) {
  const client = useQueryClient();
  const [metric, setMetric] = useState<Metric>('points_earned');
  const challenges = useQuery({
    queryKey: ['leaderboard-challenges'],
    enabled: metric === 'challenge_progress',
    queryFn: () => data(api.GET('/v1/challenges', { params: { query: { limit: 100 } } })),
  });
  const save = useMutation({
    mutationFn: (body: LeaderboardBody) => data(api.POST('/v1/leaderboards', { body })),
    onSuccess: () => {
      client.invalidateQueries({ queryKey: ['leaderboards'] });
      onDone();
    },
  });
  const f = formErrors(save.error, leaderboardField, 'leaderboard');
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    const size = text('size');
    save.mutate({
      code: text('code'),
      name: text('name'),
      metric,
      ...(metric === 'challenge_progress' && { challenge: text('challenge') }),
      window: { kind: 'calendar', period: text('period') as 'month' | 'quarter' | 'year' },
      ...(size !== '' && { size: Number(size) }),
    });
  };
  const options = (challenges.data?.data ?? []).filter((c) => c.enrolment !== 'opt_in');
  return (
    <section aria-labelledby="leaderboard-form-title" className="panel">
      <h3 id="leaderboard-form-title">New leaderboard</h3>
      <form className="stack" onSubmit={submit} noValidate>
        <Field errors={f} name="code" label="Leaderboard code" placeholder="e.g. trainings-quarter" />
        <Field errors={f} name="name" label="Leaderboard name" />
        <label htmlFor={f.field('metric').id}>Ranked by</label>
        <select {...f.field('metric')} value={metric} onChange={(e) => setMetric(e.target.value as Metric)}>
          <option value="points_earned">points earned</option>
          <option value="qualifying_spend">qualifying spend</option>
          <option value="challenge_progress">a challenge’s progress</option>
        </select>
        {f.errorsAt('metric')}
        {metric === 'challenge_progress' && (
          <>
            <label htmlFor={f.field('challenge').id}>Challenge</label>
            <select {...f.field('challenge')} defaultValue="">
              <option value="">—</option>
              {options.map((c) => (
                <option key={c.code} value={c.code}>
                  {c.name}
                  {c.participant === 'contact' ? ' (ranks contacts)' : ''}
                </option>
              ))}
            </select>
            {f.errorsAt('challenge')}
            {f.errorsAt('goal')}
          </>
        )}
        <label htmlFor={f.field('period').id}>Leaderboard period</label>
        <select {...f.field('period')} defaultValue="quarter">
          <option value="month">each calendar month</option>
          <option value="quarter">each calendar quarter</option>
          <option value="year">each calendar year</option>
        </select>
        {f.errorsAt('period')}
        <Field errors={f} name="size" label="Places in the top" inputMode="numeric" placeholder="10" />
        {f.alert}
        <div className="inline">
          <button type="submit" disabled={save.isPending}>
            Create the leaderboard
          </button>
          <button type="button" onClick={onDone}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
