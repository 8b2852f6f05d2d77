// Tiers: the program's ladders (GET /v1/tier-ladders) with a form editor of the ladder document —
// name, window, grace, soft landing, and each tier's code, name, threshold, multiplier and perks — whose
// refusals by the API (`ladder_invalid`, `validation_failed`) show at the tier's field; the active
// accounts per tier (the KPI report broken down by tier) and the members of a tier when asked
// (GET /v1/tier-ladders/{id}/members, paged);
// and one account's tier, progress and override or freeze, set and lifted here (admin scope).
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api, data, type Schemas } from '../api/client';
import { formErrors, pointerIn } from '../components/Fields';
import { ProblemAlert } from '../components/Problem';
import { formatDate, formatDateTime } from '../format';
import { can, useSession } from '../session';

type Ladder = Schemas['TierLadder'];
type LadderDocument = Schemas['LadderDocument'];
type TierRow = LadderDocument['tiers'][number];

const METRICS: LadderDocument['metric'][] = [
  'qualifying_spend',
  'points_earned',
  'orders',
  'operator_value',
  'managed_accounts',
  'managed_spend',
];

export function Tiers() {
  const session = useSession();
  const admin = can(session, 'admin');
  useEffect(() => {
    document.title = 'Tiers · Fidelis console';
  }, []);
  const ladders = useQuery({ queryKey: ['tier-ladders'], queryFn: () => data(api.GET('/v1/tier-ladders')) });
  const [chosen, setChosen] = useState<string | 'new' | null>(null);
  const rows = ladders.data?.data ?? [];
  const ladder = chosen === 'new' ? undefined : (rows.find((l) => l.id === chosen) ?? rows[0]);
  return (
    <>
      <h1>Tiers</h1>
      {!admin && (
        <p className="note" role="note">
          Your role ({session.user.role}) may look at the ladders but not change them, nor set overrides: that
          needs an admin or the owner.
        </p>
      )}
      <ProblemAlert error={ladders.error} />
      {ladders.isPending ? (
        <p className="loading">Loading…</p>
      ) : (
        <div className="inline">
          <label htmlFor="ladder-choice">Ladder</label>{' '}
          <select
            id="ladder-choice"
            value={chosen === 'new' ? 'new' : (ladder?.id ?? '')}
            onChange={(e) => setChosen(e.target.value)}
          >
            {rows.map((l) => (
              <option key={l.id} value={l.id}>
                {l.document.name}
              </option>
            ))}
            {admin && <option value="new">A new ladder…</option>}
          </select>
        </div>
      )}
      {(ladder || chosen === 'new') && (
        <LadderForm
          key={chosen === 'new' ? 'new' : ladder?.id}
          ladder={ladder}
          admin={admin}
          onSaved={setChosen}
        />
      )}
      {ladder && <MembersPerTier ladder={ladder} />}
      {ladder && <AccountTier ladder={ladder} admin={admin} />}
    </>
  );
}

const emptyTier = (): TierRow => ({ code: '', name: '', threshold: '' });

/** The field of the form a problem's pointer names (/document/tiers/1/threshold → tiers.1.threshold). */
function ladderField(path: string): string | undefined {
  const p = pointerIn(path, '/document');
  const tier = /^\/tiers\/(\d+)\/(code|name|threshold|multiplier|instantAmount|perks)/.exec(p);
  if (tier) return `tiers.${tier[1]}.${tier[2]}`;
  if (p === '/tiers') return 'tiers';
  const top = /^\/(name|metric|graceDays|softLanding|window)/.exec(p);
  return top ? top[1] : undefined;
}

function LadderForm({
  ladder,
  admin,
  onSaved,
}: {
  ladder?: Ladder;
  admin: boolean;
  onSaved: (id: string) => void;
}) {
  const client = useQueryClient();
  const original = ladder?.document;
  const [tiers, setTiers] = useState<TierRow[]>(original?.tiers ?? [emptyTier(), emptyTier()]);
  const [windowKind, setWindowKind] = useState(original?.window.kind ?? 'rolling_months');
  const save = useMutation({
    mutationFn: (document: LadderDocument) =>
      ladder
        ? data(
            api.PUT('/v1/tier-ladders/{ladderId}', {
              params: { path: { ladderId: ladder.id } },
              body: { document },
            }),
          )
        : data(api.POST('/v1/tier-ladders', { body: { document } })),
    onSuccess: (saved) => {
      client.invalidateQueries({ queryKey: ['tier-ladders'] });
      client.invalidateQueries({ queryKey: ['tier-kpis'] });
      onSaved(saved.id);
    },
  });
  const f = formErrors(save.error, ladderField, 'ladder');
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    const months = Number(text('window'));
    const grace = text('graceDays');
    const document: LadderDocument = {
      ...(original?.eventTypes && { eventTypes: original.eventTypes }),
      ...(original?.groupQualification !== undefined && { groupQualification: original.groupQualification }),
      name: text('name'),
      metric: (text('metric') || original?.metric || 'qualifying_spend') as LadderDocument['metric'],
      window:
        windowKind === 'rolling_months'
          ? { kind: 'rolling_months', months }
          : { kind: windowKind as 'calendar_year' | 'program_year' },
      ...(grace !== '' && { graceDays: Number(grace) }),
      softLanding: form.get('softLanding') === 'on',
      tiers: tiers.map((t, i) => {
        const at = (k: string) => text(`tiers.${i}.${k}`);
        const perks = at('perks')
          .split(',')
          .map((p) => p.trim())
          .filter(Boolean);
        return {
          ...(t.description && { description: t.description }),
          code: at('code'),
          name: at('name'),
          threshold: at('threshold'),
          ...(at('multiplier') && { multiplier: at('multiplier') }),
          ...(at('instantAmount') && { instantAmount: at('instantAmount') }),
          ...(perks.length > 0 && { perks }),
        };
      }),
    };
    save.mutate(document);
  };
  const title = ladder ? `Ladder “${ladder.document.name}”` : 'A new ladder';
  return (
    <section aria-labelledby="ladder-title">
      <h2 id="ladder-title">{title}</h2>
      {ladder && (
        <p className="muted">
          {ladder.id} · changed {formatDateTime(ladder.updatedAt)}. Saving reshapes the ladder: accounts are
          re-evaluated at once.
        </p>
      )}
      <form className="stack" onSubmit={submit} noValidate>
        <fieldset disabled={!admin || save.isPending}>
          <legend className="visually-hidden">{title}</legend>
          <div className="grid-2">
            <span>
              <label htmlFor={f.field('name').id}>Ladder name</label>
              <input {...f.field('name')} defaultValue={original?.name} />
              {f.errorsAt('name')}
            </span>
            <span>
              <label htmlFor={f.field('metric').id}>Metric</label>
              <select
                {...f.field('metric')}
                defaultValue={original?.metric ?? 'qualifying_spend'}
                disabled={!!ladder}
              >
                {METRICS.map((m) => (
                  <option key={m} value={m}>
                    {m.replaceAll('_', ' ')}
                  </option>
                ))}
              </select>
              {f.errorsAt('metric')}
            </span>
            <span>
              <label htmlFor="ladder-window-kind">Qualification window</label>
              <select
                id="ladder-window-kind"
                value={windowKind}
                onChange={(e) => setWindowKind(e.target.value as typeof windowKind)}
              >
                <option value="rolling_months">rolling months</option>
                <option value="calendar_year">calendar year</option>
                <option value="program_year">program year</option>
              </select>
            </span>
            {windowKind === 'rolling_months' && (
              <span>
                <label htmlFor={f.field('window').id}>Months in the window</label>
                <input
                  {...f.field('window')}
                  inputMode="numeric"
                  defaultValue={original?.window.kind === 'rolling_months' ? original.window.months : 12}
                />
                {f.errorsAt('window')}
              </span>
            )}
            <span>
              <label htmlFor={f.field('graceDays').id}>Grace days before a downgrade</label>
              <input {...f.field('graceDays')} inputMode="numeric" defaultValue={original?.graceDays ?? ''} />
              {f.errorsAt('graceDays')}
            </span>
            <span>
              <label className="check">
                <input type="checkbox" name="softLanding" defaultChecked={original?.softLanding ?? false} />{' '}
                Soft landing (down one tier at a time)
              </label>
            </span>
          </div>
          <table>
            <caption>Tiers, lowest first</caption>
            <thead>
              <tr>
                <th scope="col">Code</th>
                <th scope="col">Name</th>
                <th scope="col">Threshold</th>
                <th scope="col">Multiplier</th>
                <th scope="col">Instant upgrade at</th>
                <th scope="col">Perks (comma-separated)</th>
                {admin && <th scope="col">Remove</th>}
              </tr>
            </thead>
            <tbody>
              {tiers.map((t, i) => {
                const cell = (key: keyof TierRow, label: string, value?: string) => (
                  <td>
                    <input
                      {...f.field(`tiers.${i}.${key}`)}
                      aria-label={`Tier ${i + 1} ${label}`}
                      defaultValue={value ?? ''}
                      size={key === 'name' || key === 'perks' ? 16 : 8}
                    />
                    {f.errorsAt(`tiers.${i}.${key}`)}
                  </td>
                );
                return (
                  // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place; the index is the tier's place
                  <tr key={`${i}-${t.code}`}>
                    {cell('code', 'code', t.code)}
                    {cell('name', 'name', t.name)}
                    {cell('threshold', 'threshold', t.threshold)}
                    {cell('multiplier', 'multiplier', t.multiplier)}
                    {cell('instantAmount', 'instant upgrade amount', t.instantAmount)}
                    {cell('perks', 'perks', t.perks?.join(', '))}
                    {admin && (
                      <td>
                        <button
                          type="button"
                          aria-label={`Remove tier ${i + 1}`}
                          onClick={() => setTiers(tiers.filter((_, j) => j !== i))}
                        >
                          Remove
                        </button>
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
          {f.errorsAt('tiers')}
          {admin && (
            <span className="actions">
              <button type="button" onClick={() => setTiers([...tiers, emptyTier()])}>
                Add a tier
              </button>
              <button type="submit">{ladder ? 'Save the ladder' : 'Create the ladder'}</button>
            </span>
          )}
        </fieldset>
        {f.alert}
        {save.isSuccess && (
          <p role="status" className="note">
            Saved “{save.data.document.name}”.
          </p>
        )}
      </form>
    </section>
  );
}

/** Active accounts per tier of this ladder over the last 12 months (GET /v1/reports/kpis?breakdown=tier). */
function MembersPerTier({ ladder }: { ladder: Ladder }) {
  const [shown, setShown] = useState<string>();
  const kpis = useQuery({
    queryKey: ['tier-kpis'],
    queryFn: () => data(api.GET('/v1/reports/kpis', { params: { query: { breakdown: 'tier' } } })),
  });
  const groups = kpis.data?.breakdown?.groups ?? [];
  const count = (code: string | null) => groups.find((g) => g.key === code)?.kpis.activeAccounts ?? 0;
  const codes = ladder.document.tiers.map((t) => t.code);
  const untiered = groups
    .filter((g) => !codes.includes(g.key))
    .reduce((s, g) => s + g.kpis.activeAccounts, 0);
  return (
    <section aria-labelledby="members-title">
      <h2 id="members-title">Active accounts per tier</h2>
      <ProblemAlert error={kpis.error} />
      {kpis.data && (
        <table>
          <caption className="visually-hidden">
            Active accounts per tier, {formatDate(kpis.data.from)} to {formatDate(kpis.data.to)}
          </caption>
          <thead>
            <tr>
              <th scope="col">Tier</th>
              <th scope="col" className="number">
                Active accounts
              </th>
              <th scope="col">Members now</th>
            </tr>
          </thead>
          <tbody>
            {ladder.document.tiers.map((t) => (
              <tr key={t.code}>
                <td>{t.name}</td>
                <td className="number">{count(t.code)}</td>
                <td>
                  <button
                    type="button"
                    aria-label={`Show members of ${t.name}`}
                    aria-expanded={shown === t.code}
                    onClick={() => setShown(shown === t.code ? undefined : t.code)}
                  >
                    Show members
                  </button>
                </td>
              </tr>
            ))}
            <tr>
              <td>No tier (or another ladder’s)</td>
              <td className="number">{untiered}</td>
              <td />
            </tr>
          </tbody>
        </table>
      )}
      <p className="muted">
        Accounts active in the KPI period (
        {kpis.data ? `${formatDate(kpis.data.from)} – ${formatDate(kpis.data.to)}` : '…'}) by the tier they
        held at its end. “Show members” lists the accounts on the tier now.
      </p>
      {shown && (
        <TierMembers
          key={`${ladder.id}:${shown}`}
          ladder={ladder}
          tier={ladder.document.tiers.find((t) => t.code === shown)!}
        />
      )}
    </section>
  );
}

/** The accounts on one tier of the ladder now, paged (GET /v1/tier-ladders/{id}/members). */
function TierMembers({ ladder, tier }: { ladder: Ladder; tier: TierRow }) {
  const members = useInfiniteQuery({
    queryKey: ['tier-members', ladder.id, tier.code],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      data(
        api.GET('/v1/tier-ladders/{ladderId}/members', {
          params: {
            path: { ladderId: ladder.id },
            query: { tier: tier.code, limit: 50, ...(pageParam && { cursor: pageParam }) },
          },
        }),
      ),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const rows = members.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <div className="panel">
      <h3>Members of {tier.name}</h3>
      <ProblemAlert error={members.error} />
      {members.isPending ? (
        <p className="loading">Loading…</p>
      ) : rows.length === 0 ? (
        <p>No account is on {tier.name} now.</p>
      ) : (
        <table>
          <caption className="visually-hidden">Members of {tier.name}</caption>
          <thead>
            <tr>
              <th scope="col">Account</th>
              <th scope="col">Since</th>
              <th scope="col">Override</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((m) => (
              <tr key={m.accountId}>
                <td>
                  <Link to={`/accounts/${encodeURIComponent(m.accountId)}`}>
                    {m.name}
                    {m.externalId && ` (${m.externalId})`}
                  </Link>
                </td>
                <td>{m.since ? formatDate(m.since) : '—'}</td>
                <td>
                  {m.override
                    ? `${m.override.kind === 'set' ? 'set by hand' : 'frozen'}${m.override.until ? ` until ${formatDate(m.override.until)}` : ''}`
                    : '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {members.hasNextPage && (
        <button type="button" onClick={() => members.fetchNextPage()} disabled={members.isFetchingNextPage}>
          More members
        </button>
      )}
    </div>
  );
}

/** One account's tier on this ladder, its progress, and its override or freeze (set and lifted here). */
function AccountTier({ ladder, admin }: { ladder: Ladder; admin: boolean }) {
  const client = useQueryClient();
  const [account, setAccount] = useState('');
  const [kind, setKind] = useState<'set' | 'freeze'>('set');
  const progress = useQuery({
    queryKey: ['account-tiers', account],
    enabled: account !== '',
    queryFn: () =>
      data(api.GET('/v1/accounts/{accountId}/tiers', { params: { path: { accountId: account } } })),
  });
  const mine = progress.data?.data.find((p) => p.ladderId === ladder.id);
  const override = useMutation({
    mutationFn: (body: { kind: 'set' | 'freeze'; reason: string; tier?: string; until?: string }) =>
      data(
        api.POST('/v1/tier-ladders/{ladderId}/overrides', {
          params: { path: { ladderId: ladder.id } },
          body: { account, ...body },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: ['account-tiers', account] }),
  });
  const lift = useMutation({
    mutationFn: () =>
      data(
        api.DELETE('/v1/tier-ladders/{ladderId}/overrides/{accountId}', {
          params: { path: { ladderId: ladder.id, accountId: account } },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: ['account-tiers', account] }),
  });
  const f = formErrors(
    override.error,
    (p) => /^\/(tier|until|reason|kind)/.exec(pointerIn(p))?.[1],
    'override',
  );
  const find = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    override.reset();
    lift.reset();
    setAccount(String(new FormData(event.currentTarget).get('account') ?? '').trim());
  };
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    const until = text('until');
    override.mutate({
      kind,
      reason: text('reason'),
      ...(kind === 'set' && { tier: text('tier') }),
      ...(until && { until: new Date(`${until}T00:00:00`).toISOString() }),
    });
  };
  return (
    <section aria-labelledby="account-tier-title">
      <h2 id="account-tier-title">An account’s tier, overrides and freezes</h2>
      <form onSubmit={find} className="inline">
        <label htmlFor="tier-account">Account (id or CRM id)</label>
        <input id="tier-account" name="account" required />
        <button type="submit">Show the tier</button>
      </form>
      <ProblemAlert error={progress.error} />
      {account && progress.data && !mine && <p>The account is on no tier of this ladder.</p>}
      {mine && (
        <dl className="facts" aria-label={`Tier of ${account}`}>
          <dt>Tier</dt>
          <dd data-testid="account-tier">{mine.tierName ?? 'none'}</dd>
          <dt>Since</dt>
          <dd>{mine.since ? formatDate(mine.since) : '—'}</dd>
          <dt>Secured until</dt>
          <dd>{mine.securedUntil ? formatDate(mine.securedUntil) : '—'}</dd>
          <dt>
            {`${ladder.document.metric[0]!.toUpperCase()}${ladder.document.metric.slice(1).replaceAll('_', ' ')}`}{' '}
            in the window
          </dt>
          <dd>{mine.metric}</dd>
          <dt>Next</dt>
          <dd>
            {mine.next
              ? `${mine.next.needed} more for ${mine.next.name} by ${formatDate(mine.next.by)}`
              : 'top tier'}
          </dd>
          <dt>Override</dt>
          <dd data-testid="account-override">
            {mine.override
              ? `${mine.override.kind === 'freeze' ? 'frozen' : `set to ${mine.override.tier}`}${
                  mine.override.until ? ` until ${formatDate(mine.override.until)}` : ''
                } — ${mine.override.reason}`
              : 'none'}
          </dd>
        </dl>
      )}
      {mine && admin && (
        <>
          <form className="stack" onSubmit={submit} noValidate>
            <fieldset disabled={override.isPending} className="fields">
              <legend>Override or freeze</legend>
              <label htmlFor="override-kind">Kind</label>
              <select
                id="override-kind"
                value={kind}
                onChange={(e) => setKind(e.target.value as 'set' | 'freeze')}
              >
                <option value="set">set a tier until a date</option>
                <option value="freeze">freeze the current tier</option>
              </select>
              {kind === 'set' && (
                <>
                  <label htmlFor={f.field('tier').id}>Tier</label>
                  <select {...f.field('tier')}>
                    {ladder.document.tiers.map((t) => (
                      <option key={t.code} value={t.code}>
                        {t.name}
                      </option>
                    ))}
                  </select>
                  {f.errorsAt('tier')}
                </>
              )}
              <label htmlFor={f.field('until').id}>Until</label>
              <input {...f.field('until')} type="date" />
              {f.errorsAt('until')}
              <label htmlFor={f.field('reason').id}>Reason</label>
              <input {...f.field('reason')} />
              {f.errorsAt('reason')}
              <span className="actions">
                <button type="submit">Apply the override</button>
                {mine.override && (
                  <button type="button" onClick={() => lift.mutate()} disabled={lift.isPending}>
                    Lift the override
                  </button>
                )}
              </span>
            </fieldset>
          </form>
          {f.alert}
          <ProblemAlert error={lift.error} />
        </>
      )}
    </section>
  );
}
