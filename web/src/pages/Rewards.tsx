// Rewards: the catalog (name, type, price, stock left, status; sorted by a column among the rewards
// loaded), a reward created or changed through a form whose refusals by the API show at their fields,
// a code pool's counts and a CSV of codes uploaded to it, a session reward's dates and places, and the
// redemptions filtered by status.
// Creating and changing rewards needs the admin scope (admin and owner); reading needs read.
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api, data, ProblemError, type Schemas } from '../api/client';
import type { paths } from '../api/schema';
import { AccountName, RewardName } from '../components/Names';
import { ProblemAlert } from '../components/Problem';
import { CodePool, Sessions } from '../components/RewardStock';
import { LoadedSortNote, useLoadedSort } from '../components/Sorting';
import { formatAmount, formatDateTime } from '../format';
import { can, useSession } from '../session';

type Reward = Schemas['Reward'];
type CreateBody = paths['/v1/rewards']['post']['requestBody']['content']['application/json'];
type RewardType = CreateBody['type'];

const TYPES: RewardType[] = [
  'discount_code',
  'egift_card',
  'prepaid_card',
  'experience',
  'session',
  'service_credit',
  'merchandise',
  'donation',
  'cash_payout',
  'custom',
];
const STATUSES = ['pending_approval', 'approved', 'fulfilled', 'rejected', 'cancelled', 'failed'] as const;
type RedemptionStatus = (typeof STATUSES)[number];

export function Rewards() {
  const session = useSession();
  const admin = can(session, 'admin');
  const [editing, setEditing] = useState<Reward | 'new' | null>(null);
  // The reward whose code pool or sessions are open.
  const [stockOf, setStockOf] = useState<Reward | null>(null);
  useEffect(() => {
    document.title = 'Rewards · Fidelis console';
  }, []);
  const catalog = useInfiniteQuery({
    queryKey: ['rewards'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      data(
        api.GET('/v1/rewards', {
          params: { query: { limit: 100, ...(pageParam && { cursor: pageParam }) } },
        }),
      ),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  // The API lists the catalog in one order: a column sorts the rewards loaded (decision 0038).
  const sorting = useLoadedSort(catalog.data?.pages.flatMap((p) => p.data) ?? [], {
    name: (r) => r.name,
    type: (r) => r.type,
    // Points and cash prices compared by their value in the base currency.
    price: (r) => r.price.value.minorUnits,
    stock: (r) => r.stock.available ?? Number.POSITIVE_INFINITY,
    status: (r) => r.status,
  });
  const rows = sorting.rows;
  return (
    <>
      <h1>Rewards</h1>
      {admin ? (
        editing === null && (
          <button type="button" onClick={() => setEditing('new')}>
            New reward
          </button>
        )
      ) : (
        <p className="note" role="note">
          Your role ({session.user.role}) may look at the catalog but not change it: that needs an admin or
          the owner.
        </p>
      )}
      {editing !== null && (
        <RewardForm
          key={editing === 'new' ? 'new' : editing.id}
          reward={editing === 'new' ? undefined : editing}
          onDone={() => setEditing(null)}
        />
      )}
      {stockOf?.stock.kind === 'codes' && (
        <CodePool key={stockOf.id} reward={stockOf} admin={admin} onClose={() => setStockOf(null)} />
      )}
      {stockOf?.stock.kind === 'sessions' && (
        <Sessions key={stockOf.id} reward={stockOf} admin={admin} onClose={() => setStockOf(null)} />
      )}
      <section aria-labelledby="catalog-title">
        <h2 id="catalog-title">Catalog</h2>
        <ProblemAlert error={catalog.error} />
        {catalog.isPending ? (
          <p className="loading">Loading…</p>
        ) : rows.length === 0 ? (
          <p>The catalog is empty.</p>
        ) : (
          <table>
            <caption className="visually-hidden">The reward catalog</caption>
            <thead>
              <tr>
                {sorting.header('name', 'Name')}
                {sorting.header('type', 'Type')}
                {sorting.header('price', 'Price', 'number')}
                {sorting.header('stock', 'Stock left')}
                {sorting.header('status', 'Status')}
                {admin && <th scope="col">Change</th>}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  <td>
                    {r.name}
                    <div className="muted">{r.id}</div>
                  </td>
                  <td>{r.type.replaceAll('_', ' ')}</td>
                  <td className="number">{formatAmount(r.price.amount, r.price.unit)}</td>
                  <td>
                    {r.stock.available === null
                      ? 'unlimited'
                      : `${r.stock.available} ${r.stock.kind === 'codes' ? 'codes' : r.stock.kind === 'sessions' ? 'places' : 'units'}`}
                    {r.stock.low && <span className="tag">low</span>}
                    {(r.stock.kind === 'codes' || r.stock.kind === 'sessions') && (
                      <div>
                        <button type="button" className="link" onClick={() => setStockOf(r)}>
                          {r.stock.kind === 'codes' ? `Code pool of ${r.name}` : `Sessions of ${r.name}`}
                        </button>
                      </div>
                    )}
                  </td>
                  <td>{r.status}</td>
                  {admin && (
                    <td>
                      <button type="button" aria-label={`Edit ${r.name}`} onClick={() => setEditing(r)}>
                        Edit
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <LoadedSortNote sort={sorting.sort} count={rows.length} more={catalog.hasNextPage} />
        {catalog.hasNextPage && (
          <button type="button" onClick={() => catalog.fetchNextPage()} disabled={catalog.isFetchingNextPage}>
            More rewards
          </button>
        )}
      </section>
      <Redemptions />
    </>
  );
}

type CurrencyValue = { currency: string; price?: number; faceValue?: number };

/** "USD 2800" lines of one kind of value (decision 0057). */
function linesOf(values: CurrencyValue[], kind: 'price' | 'faceValue'): string {
  return values
    .filter((v) => v[kind] !== undefined)
    .map((v) => `${v.currency} ${v[kind]}`)
    .join('\n');
}

/** The reward's values in other currencies from the two text fields, one currency per entry. */
function currencyValuesOf(faces: string, prices: string): CurrencyValue[] {
  const byCurrency = new Map<string, CurrencyValue>();
  const read = (text: string, kind: 'price' | 'faceValue') => {
    for (const line of text.split('\n')) {
      const [currency = '', amount = ''] = line.trim().split(/\s+/);
      if (!currency) continue;
      const code = currency.toUpperCase();
      const entry = byCurrency.get(code) ?? { currency: code };
      // A number the API checks (not a whole number → its problem at the field).
      entry[kind] = Number(amount);
      byCurrency.set(code, entry);
    }
  };
  read(faces, 'faceValue');
  read(prices, 'price');
  return [...byCurrency.values()];
}

/** The field a problem's error path points at (/body/price/amount → price), if the form has it. */
function fieldOf(path: string): string | undefined {
  const [, where, first, second] = path.split('/');
  if (where !== 'body' || !first) return undefined;
  if (first === 'price') return second === 'unit' ? 'unit' : 'amount';
  if (first === 'faceValue') return second === 'currency' ? 'faceCurrency' : 'faceAmount';
  if (first === 'stock') return second === 'quantity' ? 'quantity' : 'stockKind';
  if (first === 'stockQuantity') return 'quantity';
  if (first === 'currencyValues') return 'currencyValues';
  return ['name', 'type', 'description', 'status'].includes(first) ? first : undefined;
}

function RewardForm({ reward, onDone }: { reward?: Reward; onDone: () => void }) {
  const client = useQueryClient();
  const [stockKind, setStockKind] = useState(reward?.stock.kind ?? 'unlimited');
  const save = useMutation({
    mutationFn: (form: FormData) => {
      const text = (name: string) => String(form.get(name) ?? '').trim();
      const price = { amount: Number(text('amount')), unit: text('unit') || 'points' };
      // What the member gets in money (a cash payout credits it to their cash wallet): both or neither.
      const faceAmount = text('faceAmount');
      const faceCurrency = text('faceCurrency').toUpperCase();
      const faceValue =
        faceAmount || faceCurrency ? { amount: Number(faceAmount), currency: faceCurrency } : null;
      const currencyValues = currencyValuesOf(text('facesElsewhere'), text('pricesElsewhere'));
      const description = text('description');
      const quantity = Number(text('quantity'));
      if (reward)
        return data(
          api.PATCH('/v1/rewards/{rewardId}', {
            params: { path: { rewardId: reward.id } },
            body: {
              name: text('name'),
              description: description || null,
              price,
              ...(faceValue ? { faceValue } : reward.faceValue ? { faceValue: null } : {}),
              currencyValues,
              ...(reward.stock.kind === 'counted' && { stockQuantity: quantity }),
              status: text('status') as 'active' | 'archived',
            },
          }),
        );
      const stock: CreateBody['stock'] =
        stockKind === 'counted'
          ? { kind: 'counted', quantity }
          : { kind: stockKind as 'unlimited' | 'codes' | 'sessions' };
      return data(
        api.POST('/v1/rewards', {
          body: {
            type: text('type') as RewardType,
            name: text('name'),
            ...(description && { description }),
            price,
            ...(faceValue && { faceValue }),
            ...(currencyValues.length > 0 && { currencyValues }),
            stock,
          },
        }),
      );
    },
    onSuccess: () => {
      client.invalidateQueries({ queryKey: ['rewards'] });
      client.invalidateQueries({ queryKey: ['reward'] });
      onDone();
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    save.mutate(new FormData(event.currentTarget));
  };
  const problem = save.error instanceof ProblemError ? save.error.problem : undefined;
  const errors: Record<string, string[]> = {};
  const elsewhere: { path: string; message: string }[] = [];
  for (const e of problem?.errors ?? []) {
    const field = fieldOf(e.path);
    if (field) errors[field] = [...(errors[field] ?? []), e.message];
    else elsewhere.push(e);
  }
  const field = (name: string) => ({
    id: `reward-${name}`,
    name,
    'aria-invalid': errors[name] ? true : undefined,
    'aria-describedby': errors[name] ? `reward-${name}-errors` : undefined,
  });
  const fieldErrors = (name: string) =>
    errors[name] && (
      <ul className="field-errors" id={`reward-${name}-errors`}>
        {errors[name].map((m) => (
          <li key={m}>{m}</li>
        ))}
      </ul>
    );
  const title = reward ? `Edit “${reward.name}”` : 'New reward';
  return (
    <section aria-labelledby="reward-form-title">
      <h2 id="reward-form-title">{title}</h2>
      <form className="stack" onSubmit={submit} noValidate>
        <label htmlFor="reward-name">Name</label>
        <input {...field('name')} defaultValue={reward?.name} />
        {fieldErrors('name')}
        {!reward && (
          <>
            <label htmlFor="reward-type">Type</label>
            <select {...field('type')} defaultValue="merchandise">
              {TYPES.map((t) => (
                <option key={t} value={t}>
                  {t.replaceAll('_', ' ')}
                </option>
              ))}
            </select>
            {fieldErrors('type')}
          </>
        )}
        <label htmlFor="reward-description">Description</label>
        <textarea {...field('description')} rows={2} defaultValue={reward?.description ?? ''} />
        {fieldErrors('description')}
        <label htmlFor="reward-amount">Price</label>
        <input {...field('amount')} inputMode="numeric" defaultValue={reward?.price.amount} />
        {fieldErrors('amount')}
        <label htmlFor="reward-unit">Price unit (points, or a cash wallet’s currency)</label>
        <input {...field('unit')} defaultValue={reward?.price.unit ?? 'points'} />
        {fieldErrors('unit')}
        <label htmlFor="reward-faceAmount">
          Face value in minor units (a cash payout credits it to the member’s cash wallet)
        </label>
        <input {...field('faceAmount')} inputMode="numeric" defaultValue={reward?.faceValue?.amount} />
        {fieldErrors('faceAmount')}
        <label htmlFor="reward-faceCurrency">Face value currency</label>
        <input {...field('faceCurrency')} defaultValue={reward?.faceValue?.currency ?? ''} />
        {fieldErrors('faceCurrency')}
        <label htmlFor="reward-facesElsewhere">
          Face value in other currencies (one per line: currency and minor units, e.g. “USD 2800”)
        </label>
        <textarea
          {...field('facesElsewhere')}
          aria-invalid={errors.currencyValues ? true : undefined}
          aria-describedby={errors.currencyValues ? 'reward-currencyValues-errors' : undefined}
          rows={2}
          defaultValue={linesOf(reward?.currencyValues ?? [], 'faceValue')}
        />
        <label htmlFor="reward-pricesElsewhere">
          What the price is worth in other currencies (one per line, e.g. “USD 2900”; else converted at the
          program’s exchange rates)
        </label>
        <textarea
          {...field('pricesElsewhere')}
          aria-invalid={errors.currencyValues ? true : undefined}
          rows={2}
          defaultValue={linesOf(reward?.currencyValues ?? [], 'price')}
          aria-describedby={errors.currencyValues ? 'reward-currencyValues-errors' : undefined}
        />
        {fieldErrors('currencyValues')}
        {!reward && (
          <>
            <label htmlFor="reward-stockKind">Stock</label>
            <select {...field('stockKind')} value={stockKind} onChange={(e) => setStockKind(e.target.value)}>
              <option value="unlimited">unlimited</option>
              <option value="counted">counted</option>
              <option value="codes">a pool of codes (uploaded as a CSV file, from the catalog)</option>
              <option value="sessions">sessions (dates added from the catalog)</option>
            </select>
            {fieldErrors('stockKind')}
          </>
        )}
        {stockKind === 'counted' && (
          <>
            <label htmlFor="reward-quantity">Units in stock</label>
            <input
              {...field('quantity')}
              inputMode="numeric"
              defaultValue={reward?.stock.available ?? undefined}
            />
            {fieldErrors('quantity')}
          </>
        )}
        {reward && (
          <>
            <label htmlFor="reward-status">Status</label>
            <select {...field('status')} defaultValue={reward.status}>
              <option value="active">active</option>
              <option value="archived">archived (withdrawn from the catalog)</option>
            </select>
            {fieldErrors('status')}
          </>
        )}
        {problem && (
          <div role="alert" className="problem">
            <strong>{problem.title}</strong>
            {elsewhere.length > 0 && (
              <ul>
                {elsewhere.map((e) => (
                  <li key={`${e.path}:${e.message}`}>
                    <code>{e.path}</code>: {e.message}
                  </li>
                ))}
              </ul>
            )}
            {!problem.errors?.length && problem.detail && <p>{problem.detail}</p>}
          </div>
        )}
        {save.error && !problem && <ProblemAlert error={save.error} />}
        <span className="actions">
          <button type="submit" disabled={save.isPending}>
            {reward ? 'Save the reward' : 'Create the reward'}
          </button>
          <button type="button" onClick={onDone}>
            Cancel
          </button>
        </span>
      </form>
    </section>
  );
}

function Redemptions() {
  const [status, setStatus] = useState<RedemptionStatus | ''>('');
  const list = useInfiniteQuery({
    queryKey: ['redemptions', 'list', status],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      data(
        api.GET('/v1/redemptions', {
          params: {
            query: { limit: 25, ...(status && { status }), ...(pageParam && { cursor: pageParam }) },
          },
        }),
      ),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const sorting = useLoadedSort(list.data?.pages.flatMap((p) => p.data) ?? [], {
    requested: (r) => r.createdAt,
    price: (r) => r.price.amount,
    status: (r) => r.status,
  });
  const rows = sorting.rows;
  return (
    <section aria-labelledby="redemptions-title">
      <h2 id="redemptions-title">Redemptions</h2>
      <search className="inline">
        <label htmlFor="redemption-status">Redemption status</label>{' '}
        <select
          id="redemption-status"
          value={status}
          onChange={(e) => setStatus(e.target.value as RedemptionStatus | '')}
        >
          <option value="">any</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s.replaceAll('_', ' ')}
            </option>
          ))}
        </select>
      </search>
      <ProblemAlert error={list.error} />
      {list.isPending ? (
        <p className="loading">Loading…</p>
      ) : rows.length === 0 ? (
        <p>No redemption{status ? ` is ${status.replaceAll('_', ' ')}` : ' yet'}.</p>
      ) : (
        <table>
          <caption className="visually-hidden">Redemptions, newest first</caption>
          <thead>
            <tr>
              {sorting.header('requested', 'Requested')}
              <th scope="col">Account</th>
              <th scope="col">Reward</th>
              {sorting.header('price', 'Price', 'number')}
              {sorting.header('status', 'Status')}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <td>{formatDateTime(r.createdAt)}</td>
                <td>
                  <Link to={`/accounts/${encodeURIComponent(r.accountId)}`}>
                    <AccountName id={r.accountId} />
                  </Link>
                </td>
                <td>
                  <RewardName id={r.rewardId} />
                </td>
                <td className="number">{formatAmount(r.price.amount, r.price.unit)}</td>
                <td>
                  {r.status.replaceAll('_', ' ')}
                  {r.delivery && <span className="muted"> ({r.delivery})</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <LoadedSortNote sort={sorting.sort} count={rows.length} more={list.hasNextPage} />
      {list.hasNextPage && (
        <button type="button" onClick={() => list.fetchNextPage()} disabled={list.isFetchingNextPage}>
          More redemptions
        </button>
      )}
    </section>
  );
}
