// The form that creates a lifecycle automation (POST /v1/automations): its code and name, what fires
// it (the trigger's own fields for each kind), what each occurrence gives, from when, and whether it
// starts paused. The API validates it; each refusal shows under its field (`automation_invalid`,
// `automation_exists`).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, data } from '../api/client';
import type { paths } from '../api/schema';
import { formErrors, pointerIn } from './Fields';

export type AutomationBody = paths['/v1/automations']['post']['requestBody']['content']['application/json'];
export type Trigger = AutomationBody['trigger'];
type Kind = Trigger['kind'];

export const TRIGGER_KINDS: Record<Kind, string> = {
  birthday: "a contact's birthday",
  anniversary: 'the client anniversary (customer since)',
  milestone: 'a lifetime milestone',
  win_back: 'win-back (no event for some days)',
  membership_anniversary: 'a membership anniversary',
  tier_anniversary: 'a tier anniversary',
};

/** /body/trigger/eventTypes/0 → eventTypes; /body/effect → effect; /body/startsAt → startsAt. */
function automationField(path: string): string | undefined {
  const p = pointerIn(path);
  const trigger = /^\/trigger\/(metric|threshold|eventTypes|days|plans|tier|ladder)/.exec(p);
  if (trigger) return trigger[1];
  if (p === '/trigger' || p.startsWith('/trigger/kind')) return 'kind';
  const effect = /^\/effect\/(points|cashback|badge|catalogReward)/.exec(p);
  if (effect) return effect[1];
  if (p === '/effect') return 'effect';
  return /^\/(code|name|startsAt|enabled)/.exec(p)?.[1];
}

const list = (text: string) =>
  text
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);

function triggerOf(kind: Kind, text: (name: string) => string): Trigger {
  switch (kind) {
    case 'milestone': {
      const types = list(text('eventTypes'));
      return {
        kind,
        metric: text('metric') as 'lifetime_spend' | 'lifetime_points',
        threshold: text('threshold'),
        ...(types.length > 0 && { eventTypes: types }),
      };
    }
    case 'win_back':
      return { kind, days: Number(text('days') || Number.NaN), eventTypes: list(text('eventTypes')) };
    case 'membership_anniversary': {
      const plans = list(text('plans'));
      return { kind, ...(plans.length > 0 && { plans }) };
    }
    case 'tier_anniversary':
      return { kind, tier: text('tier'), ...(text('ladder') && { ladder: text('ladder') }) };
    default:
      return { kind };
  }
}

export function AutomationForm({ onDone }: { onDone: () => void }) {
  const client = useQueryClient();
  const [kind, setKind] = useState<Kind>('birthday');
  const save = useMutation({
    mutationFn: (body: AutomationBody) => data(api.POST('/v1/automations', { body })),
    onSuccess: () => {
      client.invalidateQueries({ queryKey: ['automations'] });
      onDone();
    },
  });
  const f = formErrors(save.error, automationField, 'automation');
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    const points = text('points');
    const startsOn = text('startsAt');
    save.mutate({
      code: text('code'),
      name: text('name'),
      trigger: triggerOf(kind, text),
      effect: {
        ...(points !== '' && { points: Number(points) }),
        ...(text('cashback') && { cashback: text('cashback') }),
        ...(text('badge') && { badge: text('badge') }),
        ...(text('catalogReward') && { catalogReward: text('catalogReward') }),
      },
      ...(startsOn && { startsAt: new Date(`${startsOn}T00:00:00`).toISOString() }),
      enabled: form.get('enabled') === 'on',
    });
  };
  const input = (name: string, label: string, extra: React.InputHTMLAttributes<HTMLInputElement> = {}) => (
    <>
      <label htmlFor={f.field(name).id}>{label}</label>
      <input {...f.field(name)} {...extra} />
      {f.errorsAt(name)}
    </>
  );
  return (
    <section aria-labelledby="automation-form-title" className="panel">
      <h3 id="automation-form-title">New automation</h3>
      <form className="stack" onSubmit={submit} noValidate>
        {input('code', 'Code', { placeholder: 'e.g. spring-win-back' })}
        {input('name', 'Name')}
        <label htmlFor={f.field('kind').id}>Fired by</label>
        <select {...f.field('kind')} value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
          {Object.entries(TRIGGER_KINDS).map(([k, label]) => (
            <option key={k} value={k}>
              {label}
            </option>
          ))}
        </select>
        {f.errorsAt('kind')}
        {kind === 'milestone' && (
          <>
            <label htmlFor={f.field('metric').id}>Milestone metric</label>
            <select {...f.field('metric')} defaultValue="lifetime_spend">
              <option value="lifetime_spend">lifetime spend (base currency)</option>
              <option value="lifetime_points">lifetime points</option>
            </select>
            {input('threshold', 'Milestone threshold', { inputMode: 'decimal' })}
          </>
        )}
        {kind === 'win_back' && input('days', 'Days without an event', { inputMode: 'numeric' })}
        {(kind === 'milestone' || kind === 'win_back') &&
          input(
            'eventTypes',
            kind === 'win_back'
              ? 'Event types that count as activity (comma-separated)'
              : 'Event types of the spend (comma-separated; empty: every purchase)',
          )}
        {kind === 'membership_anniversary' &&
          input('plans', 'Membership plans (ids, comma-separated; empty: every plan)')}
        {kind === 'tier_anniversary' && (
          <>
            {input('tier', 'Tier (code)')}
            {input('ladder', 'Ladder (id; empty: any)')}
          </>
        )}
        <fieldset
          className="fields"
          aria-describedby={f.has('effect') ? f.field('effect')['aria-describedby'] : undefined}
        >
          <legend>What each occurrence gives (one or more)</legend>
          {f.errorsAt('effect')}
          {input('points', 'Points', { inputMode: 'numeric' })}
          {input('cashback', 'Cashback (base currency, e.g. 25.00)', { inputMode: 'decimal' })}
          {input('badge', 'Badge (code)')}
          {input('catalogReward', 'Catalog reward issued free (id)')}
        </fieldset>
        {input('startsAt', 'Starts on (empty: now)', { type: 'date' })}
        <label className="check">
          <input type="checkbox" name="enabled" defaultChecked /> Enabled (a paused automation fires nothing)
        </label>
        {f.alert}
        <span className="actions">
          <button type="submit" disabled={save.isPending}>
            Create the automation
          </button>
          <button type="button" onClick={onDone}>
            Cancel
          </button>
        </span>
      </form>
    </section>
  );
}
