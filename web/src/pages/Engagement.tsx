// Engagement: challenges (list filtered by name and paged, each marked a team (account) or contact
// challenge; a form to create or change one whose refusals show at their fields; an account's or a
// contact's progress and the completions: components/ChallengeProgress), badges (list, define, award by hand to an
// account) and leaderboards (the standings, with an account's or a contact's own place; a form to
// create one: LeaderboardForm.tsx). Defining challenges and
// badges needs the admin scope, awarding a badge the write scope; everyone reads.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api, data, type Schemas } from '../api/client';
import type { paths } from '../api/schema';
import { ChallengeProgress } from '../components/ChallengeProgress';
import { Field, formErrors, pointerIn } from '../components/Fields';
import { AccountName } from '../components/Names';
import { ProblemAlert } from '../components/Problem';
import { formatDate, formatDateTime } from '../format';
import { can, useSession } from '../session';
import { LeaderboardForm } from './LeaderboardForm';

type Challenge = Schemas['Challenge'];
type ChallengeBody = paths['/v1/challenges']['post']['requestBody']['content']['application/json'];
type Goal = ChallengeBody['goals'][number];
type Participant = NonNullable<ChallengeBody['participant']>;

/** Who takes part, as the list and the form say it (decision 0061; absent: account). */
const PARTICIPANTS: Record<Participant, { short: string; long: string }> = {
  account: { short: 'Account (team)', long: "Account — a team challenge: every contact's events count" },
  contact: { short: 'Contact (each person)', long: 'Contact — each person progresses on their own events' },
};
const participantOf = (c: Challenge): Participant => (c.participant === 'contact' ? 'contact' : 'account');

export function Engagement() {
  const session = useSession();
  useEffect(() => {
    document.title = 'Engagement · Fidelis console';
  }, []);
  return (
    <>
      <h1>Engagement</h1>
      {!can(session, 'admin') && (
        <p className="note" role="note">
          Your role ({session.user.role}) may look at challenges, badges and leaderboards but not define them:
          that needs an admin or the owner{can(session, 'write') ? '; you may award badges' : ''}.
        </p>
      )}
      <nav aria-label="Engagement sections" className="subnav">
        <a href="#challenges-title">Challenges</a> <a href="#badges-title">Badges</a>{' '}
        <a href="#leaderboards-title">Leaderboards</a>
      </nav>
      <Challenges />
      <Badges />
      <Leaderboards />
    </>
  );
}

/** Pages of a list until the end, for lists the console filters by text (challenges, badges). */
function usePaged<T>(
  key: string,
  read: (cursor?: string) => Promise<{ data: T[]; nextCursor: string | null }>,
) {
  return useInfiniteQuery({
    queryKey: [key],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => read(pageParam),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
}

function Challenges() {
  const session = useSession();
  const admin = can(session, 'admin');
  const [editing, setEditing] = useState<Challenge | 'new' | null>(null);
  const [filter, setFilter] = useState('');
  const [progressOf, setProgressOf] = useState<string | null>(null);
  const list = usePaged('challenges', (cursor) =>
    data(api.GET('/v1/challenges', { params: { query: { limit: 25, ...(cursor && { cursor }) } } })),
  );
  const all = list.data?.pages.flatMap((p) => p.data) ?? [];
  const rows = all.filter((c) => `${c.name} ${c.code}`.toLowerCase().includes(filter.toLowerCase()));
  const shown = all.find((c) => c.code === progressOf);
  return (
    <section aria-labelledby="challenges-title">
      <h2 id="challenges-title">Challenges</h2>
      <div className="inline">
        <label htmlFor="challenge-filter">Filter challenges by name or code</label>{' '}
        <input
          id="challenge-filter"
          type="search"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />{' '}
        {admin && editing === null && (
          <button type="button" onClick={() => setEditing('new')}>
            New challenge
          </button>
        )}
      </div>
      {editing !== null && (
        <ChallengeForm
          key={editing === 'new' ? 'new' : editing.code}
          challenge={editing === 'new' ? undefined : editing}
          onDone={() => setEditing(null)}
        />
      )}
      <ProblemAlert error={list.error} />
      {list.isPending ? (
        <p className="loading">Loading…</p>
      ) : rows.length === 0 ? (
        <p>No challenge{filter ? ' matches' : ' yet'}.</p>
      ) : (
        <table>
          <caption className="visually-hidden">Challenges</caption>
          <thead>
            <tr>
              <th scope="col">Challenge</th>
              <th scope="col">Taking part</th>
              <th scope="col">Goals</th>
              <th scope="col">Window</th>
              <th scope="col">Reward</th>
              <th scope="col">Version</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((c) => (
              <tr key={c.code}>
                <td>
                  {c.name}
                  <div className="muted">{c.code}</div>
                </td>
                <td data-testid={`participant-${c.code}`}>{PARTICIPANTS[participantOf(c)].short}</td>
                <td>
                  {(c.goals as Goal[]).map((g) => (
                    <div key={`${g.metric}:${g.eventTypes.join()}:${g.target}`}>
                      {g.label ?? `${g.metric} of ${g.eventTypes.join(', ')}`} — target {g.target}
                    </div>
                  ))}
                </td>
                <td>{windowText(c.window as ChallengeBody['window'])}</td>
                <td>{rewardText(c.reward as ChallengeBody['reward'])}</td>
                <td>{c.version}</td>
                <td>
                  <span className="actions">
                    <button
                      type="button"
                      aria-label={`Progress on ${c.name}`}
                      onClick={() => setProgressOf(progressOf === c.code ? null : c.code)}
                    >
                      Progress
                    </button>
                    {admin && (
                      <button type="button" aria-label={`Edit ${c.name}`} onClick={() => setEditing(c)}>
                        Edit
                      </button>
                    )}
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.hasNextPage && (
        <button type="button" onClick={() => list.fetchNextPage()} disabled={list.isFetchingNextPage}>
          More challenges
        </button>
      )}
      {shown && <ChallengeProgress key={shown.code} challenge={shown} />}
    </section>
  );
}

function windowText(w: ChallengeBody['window']): string {
  if (w.kind === 'calendar') return `each calendar ${w.period}`;
  if (w.kind === 'rolling') return `${w.days} days from joining`;
  return `${formatDate(w.from)} – ${formatDate(w.to)}`;
}

function rewardText(r: ChallengeBody['reward']): string {
  return (
    [r.points ? `${r.points} points` : '', r.badge ? `badge ${r.badge}` : ''].filter(Boolean).join(' and ') ||
    '—'
  );
}

/** /body/goals/0/target → goals.0.target; /body/reward/points → points. */
function challengeField(path: string): string | undefined {
  const p = pointerIn(path);
  const goal = /^\/goals\/(\d+)\/(eventTypes|metric|period|target|attribute|label)/.exec(p);
  if (goal) return `goals.${goal[1]}.${goal[2]}`;
  if (p === '/goals') return 'goals';
  const reward = /^\/reward\/(points|badge|catalogReward)/.exec(p);
  if (reward) return reward[1];
  if (p === '/reward') return 'points';
  if (p === '/window/days') return 'days';
  if (p.startsWith('/window')) return 'window';
  if (p === '/enrolment' || p === '/required') return p.slice(1);
  if (p.startsWith('/audience')) return 'audience';
  return /^\/(code|name|description|participant|startsAt|endsAt)/.exec(p)?.[1];
}

const emptyGoal = (): Goal => ({ metric: 'count', eventTypes: [], target: '' });

function ChallengeForm({ challenge, onDone }: { challenge?: Challenge; onDone: () => void }) {
  const client = useQueryClient();
  const [goals, setGoals] = useState<Goal[]>((challenge?.goals as Goal[] | undefined) ?? [emptyGoal()]);
  const original = challenge?.window as ChallengeBody['window'] | undefined;
  const [windowKind, setWindowKind] = useState<ChallengeBody['window']['kind']>(original?.kind ?? 'calendar');
  const [participant, setParticipant] = useState<Participant>(
    challenge ? participantOf(challenge) : 'account',
  );
  const save = useMutation({
    mutationFn: (body: ChallengeBody) => {
      if (challenge) {
        const { code: _code, ...change } = body;
        return data(
          api.PUT('/v1/challenges/{challengeCode}', {
            params: { path: { challengeCode: challenge.code } },
            body: change,
          }),
        );
      }
      return data(api.POST('/v1/challenges', { body }));
    },
    onSuccess: () => {
      client.invalidateQueries({ queryKey: ['challenges'] });
      onDone();
    },
  });
  const f = formErrors(save.error, challengeField, 'challenge');
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    const points = text('points');
    const badge = text('badge');
    const catalogReward = text('catalogReward');
    const required = text('required');
    const audience = text('audience');
    const day = (d: string) => (d ? new Date(`${d}T00:00:00`).toISOString() : d);
    save.mutate({
      code: text('code') || (challenge?.code ?? ''),
      name: text('name'),
      ...(text('description') && { description: text('description') }),
      participant,
      enrolment: text('enrolment') as 'automatic' | 'opt_in',
      ...(required !== '' && { required: Number(required) }),
      ...(form.get('ordered') === 'on' && { ordered: true }),
      // What the form does not show is kept as it was, not dropped by an edit.
      ...(challenge?.translations && {
        translations: challenge.translations as ChallengeBody['translations'],
      }),
      ...(audience && { audience: { condition: audience } }),
      ...(challenge?.startsAt && { startsAt: challenge.startsAt }),
      ...(challenge?.endsAt && { endsAt: challenge.endsAt }),
      window:
        windowKind === 'calendar'
          ? { kind: 'calendar', period: text('period') as 'month' | 'quarter' | 'year' }
          : windowKind === 'rolling'
            ? { kind: 'rolling', days: Number(text('days')) }
            : { kind: 'fixed', from: day(text('from')), to: day(text('to')) },
      goals: goals.map((_, i) => {
        const at = (k: string) => text(`goals.${i}.${k}`);
        return {
          metric: at('metric') as Goal['metric'],
          ...(at('metric') === 'streak' && { period: (at('period') || 'month') as 'week' | 'month' }),
          eventTypes: at('eventTypes')
            .split(',')
            .map((t) => t.trim())
            .filter(Boolean),
          target: at('target'),
          ...(at('attribute') && { attribute: at('attribute') }),
          ...(at('label') && { label: at('label') }),
        };
      }),
      reward: {
        ...(points !== '' && { points: Number(points) }),
        ...(badge && { badge }),
        ...(catalogReward && { catalogReward }),
      },
    });
  };
  const title = challenge ? `Edit “${challenge.name}”` : 'New challenge';
  const reward = challenge?.reward as ChallengeBody['reward'] | undefined;
  return (
    <section aria-labelledby="challenge-form-title" className="panel">
      <h3 id="challenge-form-title">{title}</h3>
      <form className="stack" onSubmit={submit} noValidate>
        {!challenge && <Field errors={f} name="code" label="Code" placeholder="e.g. spring-orders" />}
        <Field errors={f} name="name" label="Name" defaultValue={challenge?.name} />
        <Field
          errors={f}
          name="description"
          label="Description"
          control={(props) => <textarea {...props} rows={2} defaultValue={challenge?.description ?? ''} />}
        />
        <Field
          errors={f}
          name="participant"
          label="Who takes part"
          control={(props) => (
            <select
              {...props}
              value={participant}
              onChange={(e) => setParticipant(e.target.value as Participant)}
            >
              {(['account', 'contact'] as const).map((k) => (
                <option key={k} value={k}>
                  {PARTICIPANTS[k].long}
                </option>
              ))}
            </select>
          )}
        />
        <label htmlFor="challenge-window-kind">Window</label>
        <select
          id="challenge-window-kind"
          value={windowKind}
          onChange={(e) => setWindowKind(e.target.value as ChallengeBody['window']['kind'])}
        >
          <option value="calendar">each calendar period</option>
          <option value="fixed">fixed dates</option>
          <option value="rolling">days from joining (opt-in)</option>
        </select>
        {windowKind === 'rolling' ? (
          <>
            <label htmlFor={f.field('days').id}>Days from joining</label>
            <input
              {...f.field('days')}
              inputMode="numeric"
              defaultValue={original?.kind === 'rolling' ? original.days : 365}
              aria-describedby={f.has('window') ? 'challenge-window-errors' : undefined}
            />
          </>
        ) : windowKind === 'calendar' ? (
          <>
            <label htmlFor={f.field('period').id}>Period</label>
            <select
              {...f.field('period')}
              defaultValue={original?.kind === 'calendar' ? original.period : 'quarter'}
              aria-describedby={f.has('window') ? 'challenge-window-errors' : undefined}
            >
              <option value="month">month</option>
              <option value="quarter">quarter</option>
              <option value="year">year</option>
            </select>
          </>
        ) : (
          <>
            <label htmlFor={f.field('from').id}>From</label>
            <input
              {...f.field('from')}
              type="date"
              defaultValue={original?.kind === 'fixed' ? original.from.slice(0, 10) : ''}
            />
            <label htmlFor={f.field('to').id}>To</label>
            <input
              {...f.field('to')}
              type="date"
              defaultValue={original?.kind === 'fixed' ? original.to.slice(0, 10) : ''}
            />
          </>
        )}
        {f.errorsAt('window')}
        <Field
          errors={f}
          name="enrolment"
          label="Enrolment"
          control={(props) => (
            <select {...props} defaultValue={challenge?.enrolment ?? 'automatic'}>
              <option value="automatic">automatic: everyone in the audience</option>
              <option value="opt_in">opt-in: members join, and count from then</option>
            </select>
          )}
        />
        <Field
          errors={f}
          name="required"
          label="Goals required (empty: all)"
          inputMode="numeric"
          defaultValue={challenge?.required ?? ''}
        />
        <label className="check">
          <input type="checkbox" name="ordered" defaultChecked={challenge?.ordered ?? false} /> Goals in order
        </label>
        <fieldset>
          <legend>Goals (all must be reached)</legend>
          {goals.map((g, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: goals are edited in place; the index is the goal's place
            <div className="goal" key={i}>
              <label htmlFor={f.field(`goals.${i}.metric`).id}>Goal {i + 1} metric</label>
              <select {...f.field(`goals.${i}.metric`)} defaultValue={g.metric}>
                <option value="count">count of events</option>
                <option value="sum">sum of an attribute</option>
                <option value="distinct">distinct values of an attribute</option>
                <option value="streak">a streak of consecutive periods</option>
              </select>
              <label htmlFor={f.field(`goals.${i}.period`).id}>Goal {i + 1} streak period</label>
              <select {...f.field(`goals.${i}.period`)} defaultValue={g.period ?? 'month'}>
                <option value="week">weeks</option>
                <option value="month">months</option>
              </select>
              <Field
                errors={f}
                name={`goals.${i}.eventTypes`}
                label={<>Goal {i + 1} event types (comma-separated)</>}
                defaultValue={g.eventTypes.join(', ')}
              />
              <Field
                errors={f}
                name={`goals.${i}.target`}
                label={<>Goal {i + 1} target</>}
                inputMode="decimal"
                defaultValue={g.target}
              />
              <Field
                errors={f}
                name={`goals.${i}.attribute`}
                label={<>Goal {i + 1} attribute (sum, distinct)</>}
                defaultValue={g.attribute ?? ''}
              />
              <Field
                errors={f}
                name={`goals.${i}.label`}
                label={<>Goal {i + 1} label</>}
                defaultValue={g.label ?? ''}
              />
              {goals.length > 1 && (
                <button type="button" onClick={() => setGoals(goals.filter((_, j) => j !== i))}>
                  Remove goal {i + 1}
                </button>
              )}
            </div>
          ))}
          {f.errorsAt('goals')}
          <button type="button" onClick={() => setGoals([...goals, emptyGoal()])}>
            Add a goal
          </button>
        </fieldset>
        <Field
          errors={f}
          name="audience"
          label={
            participant === 'contact'
              ? 'Audience (a CEL condition on the account and contact.role, contact.locale, contact.id; empty: everyone)'
              : 'Audience (a CEL condition on the account; empty: everyone)'
          }
          defaultValue={(challenge?.audience as { condition?: string } | undefined)?.condition ?? ''}
        />
        <Field
          errors={f}
          name="points"
          label="Reward points"
          inputMode="numeric"
          defaultValue={reward?.points ?? ''}
        />
        <Field errors={f} name="badge" label="Reward badge (code)" defaultValue={reward?.badge ?? ''} />
        <Field
          errors={f}
          name="catalogReward"
          label="Reward from the catalog (reward id, given free)"
          defaultValue={reward?.catalogReward ?? ''}
        />
        {f.alert}
        <span className="actions">
          <button type="submit" disabled={save.isPending}>
            {challenge ? 'Save the challenge' : 'Create the challenge'}
          </button>
          <button type="button" onClick={onDone}>
            Cancel
          </button>
        </span>
      </form>
    </section>
  );
}

function badgeField(path: string): string | undefined {
  return /^\/(code|name|description|imageUrl|validDays)/.exec(pointerIn(path))?.[1];
}

function Badges() {
  const session = useSession();
  const client = useQueryClient();
  const [filter, setFilter] = useState('');
  const [creating, setCreating] = useState(false);
  const list = usePaged('badges', (cursor) =>
    data(api.GET('/v1/badges', { params: { query: { limit: 25, ...(cursor && { cursor }) } } })),
  );
  const all = list.data?.pages.flatMap((p) => p.data) ?? [];
  const rows = all.filter((b) => `${b.name} ${b.code}`.toLowerCase().includes(filter.toLowerCase()));
  const create = useMutation({
    mutationFn: (body: paths['/v1/badges']['post']['requestBody']['content']['application/json']) =>
      data(api.POST('/v1/badges', { body })),
    onSuccess: () => {
      client.invalidateQueries({ queryKey: ['badges'] });
      setCreating(false);
    },
  });
  const award = useMutation({
    mutationFn: (input: { account: string; badge: string; note?: string }) =>
      data(
        api.POST('/v1/accounts/{accountId}/badges', {
          params: { path: { accountId: input.account } },
          body: { badge: input.badge, ...(input.note && { note: input.note }) },
        }),
      ),
  });
  const f = formErrors(create.error, badgeField, 'badge');
  const a = formErrors(award.error, (p) => /^\/(badge|note)/.exec(pointerIn(p))?.[1], 'award');
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    create.mutate({
      code: text('code'),
      name: text('name'),
      ...(text('description') && { description: text('description') }),
      ...(text('imageUrl') && { imageUrl: text('imageUrl') }),
      ...(text('validDays') && { validDays: Number(text('validDays')) }),
    });
  };
  const submitAward = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    award.mutate({ account: text('account'), badge: text('badge'), note: text('note') });
  };
  return (
    <section aria-labelledby="badges-title">
      <h2 id="badges-title">Badges</h2>
      <div className="inline">
        <label htmlFor="badge-filter">Filter badges by name or code</label>{' '}
        <input id="badge-filter" type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />{' '}
        {can(session, 'admin') && !creating && (
          <button type="button" onClick={() => setCreating(true)}>
            New badge
          </button>
        )}
      </div>
      {creating && (
        <section aria-labelledby="badge-form-title" className="panel">
          <h3 id="badge-form-title">New badge</h3>
          <form className="stack" onSubmit={submit} noValidate>
            <Field errors={f} name="code" label="Badge code" />
            <Field errors={f} name="name" label="Badge name" />
            <Field errors={f} name="description" label="Badge description" />
            <Field errors={f} name="imageUrl" label="Image URL" type="url" />
            <Field errors={f} name="validDays" label="Valid for (days; empty: forever)" inputMode="numeric" />
            {f.alert}
            <span className="actions">
              <button type="submit" disabled={create.isPending}>
                Create the badge
              </button>
              <button type="button" onClick={() => setCreating(false)}>
                Cancel
              </button>
            </span>
          </form>
        </section>
      )}
      <ProblemAlert error={list.error} />
      {list.isPending ? (
        <p className="loading">Loading…</p>
      ) : rows.length === 0 ? (
        <p>No badge{filter ? ' matches' : ' yet'}.</p>
      ) : (
        <table>
          <caption className="visually-hidden">Badges</caption>
          <thead>
            <tr>
              <th scope="col">Badge</th>
              <th scope="col">Description</th>
              <th scope="col">Valid for</th>
              <th scope="col">Defined</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((b) => (
              <tr key={b.code}>
                <td>
                  {b.name}
                  <div className="muted">{b.code}</div>
                </td>
                <td>{b.description ?? '—'}</td>
                <td>{b.validDays ? `${b.validDays} days` : 'ever'}</td>
                <td>{formatDate(b.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.hasNextPage && (
        <button type="button" onClick={() => list.fetchNextPage()} disabled={list.isFetchingNextPage}>
          More badges
        </button>
      )}
      {can(session, 'write') && (
        <form className="inline" onSubmit={submitAward} noValidate aria-labelledby="award-title">
          <h3 id="award-title" className="visually-hidden">
            Award a badge by hand
          </h3>
          <label htmlFor="award-account">Award to account (id or CRM id)</label>
          <input id="award-account" name="account" required />
          <label htmlFor={a.field('badge').id}>Badge to award</label>
          <select {...a.field('badge')}>
            {all.map((b) => (
              <option key={b.code} value={b.code}>
                {b.name}
              </option>
            ))}
          </select>
          <label htmlFor={a.field('note').id}>Note</label>
          <input {...a.field('note')} />
          <button type="submit" disabled={award.isPending}>
            Award the badge
          </button>
        </form>
      )}
      {a.errorsAt('badge')}
      {a.errorsAt('note')}
      {a.alert}
      {award.data && (
        <p role="status" className="note">
          Awarded “{award.data.badge.name}” to{' '}
          <Link to={`/accounts/${encodeURIComponent(award.data.accountId)}`}>
            <AccountName id={award.data.accountId} />
          </Link>
          {award.data.expiresAt && `, valid until ${formatDate(award.data.expiresAt)}`}.
        </p>
      )}
    </section>
  );
}

function Leaderboards() {
  const session = useSession();
  const [creating, setCreating] = useState(false);
  const list = usePaged('leaderboards', (cursor) =>
    data(api.GET('/v1/leaderboards', { params: { query: { limit: 100, ...(cursor && { cursor }) } } })),
  );
  const boards = list.data?.pages.flatMap((p) => p.data) ?? [];
  const [chosen, setChosen] = useState<string>('');
  const [who, setWho] = useState('');
  const code = chosen || boards[0]?.code || '';
  // A contact challenge's leaderboard ranks contacts (decision 0062): its own place is asked by contact.
  const [byContact, setByContact] = useState(false);
  const standings = useQuery({
    queryKey: ['standings', code, who, byContact],
    enabled: code !== '',
    queryFn: () =>
      data(
        api.GET('/v1/leaderboards/{leaderboardCode}/standings', {
          params: {
            path: { leaderboardCode: code },
            query: { top: 25, ...(who && (byContact ? { contact: who } : { account: who })) },
          },
        }),
      ),
  });
  const s = standings.data;
  const contacts = s?.subject === 'contact';
  const own = s?.contact ?? s?.account;
  return (
    <section aria-labelledby="leaderboards-title">
      <h2 id="leaderboards-title">Leaderboards</h2>
      <ProblemAlert error={list.error} />
      {can(session, 'admin') && !creating && (
        <button type="button" onClick={() => setCreating(true)}>
          New leaderboard
        </button>
      )}
      {creating && <LeaderboardForm onDone={() => setCreating(false)} />}
      {boards.length === 0 && !list.isPending ? (
        <p>No leaderboard yet.</p>
      ) : (
        <form
          className="inline"
          onSubmit={(e) => {
            e.preventDefault();
            setByContact(contacts);
            setWho(String(new FormData(e.currentTarget).get('who') ?? '').trim());
          }}
        >
          <label htmlFor="leaderboard-choice">Leaderboard</label>
          <select
            id="leaderboard-choice"
            value={code}
            onChange={(e) => {
              setChosen(e.target.value);
              setWho('');
              setByContact(false);
            }}
          >
            {boards.map((b) => (
              <option key={b.code} value={b.code}>
                {b.name}
              </option>
            ))}
          </select>
          <label htmlFor="leaderboard-account">
            {contacts ? 'A contact’s place (contact id)' : 'An account’s place (id or CRM id)'}
          </label>
          <input id="leaderboard-account" name="who" />
          <button type="submit">Show the standings</button>
        </form>
      )}
      <ProblemAlert error={standings.error} />
      {s && (
        <>
          <p className="muted">
            {s.challenge ? `progress on the challenge ${s.challenge}` : s.metric.replaceAll('_', ' ')} (
            {s.unit}
            ), {formatDate(s.period.start)} – {formatDate(s.period.end)}; {s.ranked}{' '}
            {contacts ? 'contacts' : 'accounts'} ranked, as of {formatDateTime(s.asOf)}.
          </p>
          {own && (
            <p data-testid="own-place">
              {who}: {own.rank ? `rank ${own.rank} with ${own.value}` : 'not ranked'}
            </p>
          )}
          <table>
            <caption>Standings of {s.name}</caption>
            <thead>
              <tr>
                <th scope="col" className="number">
                  Rank
                </th>
                {contacts && <th scope="col">Contact</th>}
                <th scope="col">Account</th>
                <th scope="col" className="number">
                  Value
                </th>
              </tr>
            </thead>
            <tbody>
              {s.top.map((t) => (
                <tr key={t.contactId ?? t.accountId}>
                  <td className="number">{t.rank}</td>
                  {contacts && <td>{t.contactName ?? t.contactId}</td>}
                  <td>
                    <Link to={`/accounts/${encodeURIComponent(t.accountId)}`}>
                      {t.name ?? t.accountId}
                      {t.externalId && ` (${t.externalId})`}
                    </Link>
                  </td>
                  <td className="number">{t.value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
