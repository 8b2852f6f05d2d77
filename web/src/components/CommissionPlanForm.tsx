// The form that defines a commission plan (POST /v1/commission-plans): a fixed amount per conversion,
// a share of referred revenue (one rate or tiers by volume), a bonus for a target, in points or a
// currency, pending for some days. The API validates it; each refusal shows under its field
// (`commission_plan_invalid`, `commission_plan_exists`).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, data, type Schemas } from '../api/client';
import type { paths } from '../api/schema';
import { Field, formErrors, pointerIn } from './Fields';

type PlanBody = paths['/v1/commission-plans']['post']['requestBody']['content']['application/json'];

/** /body/revenue/tiers/1/rate → tiers; /body/fixed/amount → fixedAmount; /body/bonus → bonus. */
function planField(path: string): string | undefined {
  const p = pointerIn(path);
  if (p.startsWith('/revenue/tiers')) return 'tiers';
  const revenue = /^\/revenue\/(eventTypes|rate|period|months)/.exec(p);
  if (revenue) return revenue[1];
  if (p === '/revenue') return 'revenue';
  if (p.startsWith('/fixed')) return 'fixedAmount';
  const bonus = /^\/bonus\/(period|target|amount)/.exec(p);
  if (bonus) return `bonus${bonus[1]![0]!.toUpperCase()}${bonus[1]!.slice(1)}`;
  if (p === '/bonus') return 'bonus';
  return /^\/(code|name|unit|holdingDays|active)/.exec(p)?.[1];
}

/** "0: 5" lines (from volume: rate) → tiers. */
const tiersOf = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [from = '', rate = ''] = l.split(':').map((x) => x.trim());
      return { from, rate };
    });

export function CommissionPlanForm({
  onDone,
  currency,
  plan,
}: {
  onDone: () => void;
  currency?: string;
  /** The plan to edit (absent: a new one). */
  plan?: Schemas['CommissionPlan'];
}) {
  const client = useQueryClient();
  const revenue = plan?.revenue;
  const [share, setShare] = useState<'none' | 'rate' | 'tiers'>(
    !plan ? 'rate' : !revenue ? 'none' : revenue.tiers?.length ? 'tiers' : 'rate',
  );
  const save = useMutation({
    mutationFn: ({ code, ...body }: PlanBody) =>
      data(
        plan
          ? api.PUT('/v1/commission-plans/{plan}', { params: { path: { plan: code } }, body })
          : api.POST('/v1/commission-plans', { body: { code, ...body } }),
      ),
    onSuccess: () => {
      client.invalidateQueries({ queryKey: ['commission-plans'] });
      onDone();
    },
  });
  const prefix = plan ? `plan-${plan.code}` : 'plan';
  const f = formErrors(save.error, planField, prefix);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    const months = text('months');
    const holding = text('holdingDays');
    save.mutate({
      code: plan?.code ?? text('code'),
      name: text('name'),
      unit: text('unit'),
      ...(holding && { holdingDays: Number(holding) }),
      fixed: text('fixedAmount') ? { amount: text('fixedAmount') } : null,
      revenue:
        share === 'none'
          ? null
          : {
              eventTypes: text('eventTypes')
                .split(',')
                .map((t) => t.trim())
                .filter(Boolean),
              ...(share === 'rate' ? { rate: text('rate') } : { tiers: tiersOf(text('tiers')) }),
              period: text('period') as 'month' | 'quarter',
              months: months ? Number(months) : null,
            },
      bonus:
        text('bonusTarget') || text('bonusAmount')
          ? {
              period: text('bonusPeriod') as 'month' | 'quarter',
              target: text('bonusTarget'),
              amount: text('bonusAmount'),
            }
          : null,
      ...(plan && { active: plan.active }),
    });
  };
  const input = (name: string, label: string, extra: React.InputHTMLAttributes<HTMLInputElement> = {}) => (
    <Field errors={f} name={name} label={label} {...extra} />
  );
  const period = (name: string, label: string, value: string | undefined) => (
    <Field
      errors={f}
      name={name}
      label={label}
      control={(props) => (
        <select {...props} defaultValue={value ?? 'month'}>
          <option value="month">month</option>
          <option value="quarter">quarter</option>
        </select>
      )}
    />
  );
  const title = `${prefix}-form-title`;
  return (
    <section aria-labelledby={title} className="panel">
      <h3 id={title}>{plan ? `Edit the plan ${plan.name}` : 'New commission plan'}</h3>
      {plan && (
        <p className="muted">
          Saving makes version {plan.version + 1}: lines from now on follow it, lines written before stay as
          they are.
        </p>
      )}
      <form className="stack" onSubmit={submit} noValidate>
        {!plan && input('code', 'Plan code', { placeholder: 'e.g. agency-standard' })}
        {input('name', 'Plan name', { defaultValue: plan?.name })}
        {input('unit', 'Paid in ("points" or a currency)', {
          defaultValue: plan?.unit ?? currency ?? 'points',
        })}
        {input('holdingDays', 'Days pending before due (default 30)', {
          inputMode: 'numeric',
          defaultValue: plan?.holdingDays,
        })}
        {input('fixedAmount', 'Fixed amount per converted referral (empty: none)', {
          inputMode: 'decimal',
          defaultValue: plan?.fixed?.amount,
        })}
        <fieldset
          className="fields"
          aria-describedby={f.has('revenue') ? f.field('revenue')['aria-describedby'] : undefined}
        >
          <legend>Share of referred revenue (base currency)</legend>
          {f.errorsAt('revenue')}
          <label htmlFor={`${prefix}-share`}>Share</label>
          <select
            id={`${prefix}-share`}
            value={share}
            onChange={(e) => setShare(e.target.value as typeof share)}
          >
            <option value="rate">one rate</option>
            <option value="tiers">tiers by volume in the period</option>
            <option value="none">none</option>
          </select>
          {share !== 'none' && (
            <>
              {input('eventTypes', 'Revenue event types (comma-separated)', {
                defaultValue: revenue?.eventTypes.join(', ') ?? 'purchase',
              })}
              {share === 'rate' ? (
                input('rate', 'Rate (% of revenue)', {
                  inputMode: 'decimal',
                  defaultValue: revenue?.rate ?? '',
                })
              ) : (
                <Field
                  errors={f}
                  name="tiers"
                  label="Tiers (one a line: from volume: rate %)"
                  control={(props) => (
                    <textarea
                      {...props}
                      rows={3}
                      placeholder={'0: 5\n5000.00: 8'}
                      defaultValue={(revenue?.tiers ?? []).map((t) => `${t.from}: ${t.rate}`).join('\n')}
                    />
                  )}
                />
              )}
              {period('period', 'Volume period', revenue?.period)}
              {input('months', 'For how many months after the referral (empty: for life)', {
                inputMode: 'numeric',
                defaultValue: revenue?.months ?? '',
              })}
            </>
          )}
        </fieldset>
        <fieldset
          className="fields"
          aria-describedby={f.has('bonus') ? f.field('bonus')['aria-describedby'] : undefined}
        >
          <legend>Bonus for a volume target (empty: none)</legend>
          {f.errorsAt('bonus')}
          {period('bonusPeriod', 'Bonus period', plan?.bonus?.period)}
          {input('bonusTarget', 'Bonus target (base currency)', {
            inputMode: 'decimal',
            defaultValue: plan?.bonus?.target,
          })}
          {input('bonusAmount', 'Bonus amount (in the plan’s unit)', {
            inputMode: 'decimal',
            defaultValue: plan?.bonus?.amount,
          })}
        </fieldset>
        {f.alert}
        <span className="actions">
          <button type="submit" disabled={save.isPending}>
            {plan ? 'Save the plan' : 'Create the plan'}
          </button>
          <button type="button" onClick={onDone}>
            Cancel
          </button>
        </span>
      </form>
    </section>
  );
}
