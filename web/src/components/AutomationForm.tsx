// The form that creates a lifecycle automation (POST /v1/automations): its code and name, what fires
// it (the trigger's own fields for each kind), what each occurrence gives, from when, and whether it
// starts paused. Given an automation, the same form edits it, prefilled (PUT
// /v1/automations/{code}: the document whole; its code stays). The API validates it; each refusal
// shows under its field (`automation_invalid`, `automation_exists`).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, data, type Schemas } from '../api/client';
import type { paths } from '../api/schema';
import { Field, formErrors, pointerIn } from './Fields';

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

/** An instant as the local date a date input shows (the form sends a date back as local midnight). */
function localDate(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** What the form shows of a trigger's fields (every kind's, those it does not have empty). */
function triggerValues(t: Trigger | undefined): Record<string, string> {
  const all = t as Partial<Record<string, unknown>> | undefined;
  const text = (v: unknown) => (Array.isArray(v) ? v.join(', ') : v === undefined ? '' : String(v));
  return Object.fromEntries(
    ['metric', 'threshold', 'eventTypes', 'days', 'plans', 'tier', 'ladder'].map((k) => [k, text(all?.[k])]),
  );
}

export function AutomationForm({
  onDone,
  automation,
}: {
  onDone: () => void;
  /** The automation to edit (absent: a new one). */
  automation?: Schemas['Automation'];
}) {
  const client = useQueryClient();
  const before = automation?.trigger as Trigger | undefined;
  const effect = (automation?.effect ?? {}) as AutomationBody['effect'];
  const values = triggerValues(before);
  const startsOn = automation ? localDate(automation.startsAt) : '';
  const [kind, setKind] = useState<Kind>(before?.kind ?? 'birthday');
  const save = useMutation({
    mutationFn: ({ code, ...body }: AutomationBody) =>
      data(
        automation
          ? api.PUT('/v1/automations/{automationCode}', { params: { path: { automationCode: code } }, body })
          : api.POST('/v1/automations', { body: { code, ...body } }),
      ),
    onSuccess: () => {
      client.invalidateQueries({ queryKey: ['automations'] });
      onDone();
    },
  });
  const prefix = automation ? `automation-${automation.code}` : 'automation';
  const f = formErrors(save.error, automationField, prefix);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    const points = text('points');
    const starts = text('startsAt');
    save.mutate({
      code: automation?.code ?? text('code'),
      name: text('name'),
      trigger: triggerOf(kind, text),
      effect: {
        ...(points !== '' && { points: Number(points) }),
        ...(text('cashback') && { cashback: text('cashback') }),
        ...(text('badge') && { badge: text('badge') }),
        ...(text('catalogReward') && { catalogReward: text('catalogReward') }),
      },
      // An unchanged date keeps the automation's instant (empty: now, or unchanged when editing).
      ...(starts && starts !== startsOn && { startsAt: new Date(`${starts}T00:00:00`).toISOString() }),
      enabled: form.get('enabled') === 'on',
    });
  };
  const input = (name: string, label: string, extra: React.InputHTMLAttributes<HTMLInputElement> = {}) => (
    <Field errors={f} name={name} label={label} defaultValue={values[name]} {...extra} />
  );
  const title = `${prefix}-form-title`;
  return (
    <section aria-labelledby={title} className="panel">
      <h3 id={title}>{automation ? `Edit the automation ${automation.name}` : 'New automation'}</h3>
      <form className="stack" onSubmit={submit} noValidate>
        {!automation && input('code', 'Code', { placeholder: 'e.g. spring-win-back' })}
        {input('name', 'Name', { defaultValue: automation?.name })}
        <Field
          errors={f}
          name="kind"
          label="Fired by"
          control={(props) => (
            <select {...props} value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
              {Object.entries(TRIGGER_KINDS).map(([k, label]) => (
                <option key={k} value={k}>
                  {label}
                </option>
              ))}
            </select>
          )}
        />
        {kind === 'milestone' && (
          <>
            <Field
              errors={f}
              name="metric"
              label="Milestone metric"
              control={(props) => (
                <select {...props} defaultValue={values.metric || 'lifetime_spend'}>
                  <option value="lifetime_spend">lifetime spend (base currency)</option>
                  <option value="lifetime_points">lifetime points</option>
                </select>
              )}
            />
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
          {input('points', 'Points', { inputMode: 'numeric', defaultValue: effect.points ?? '' })}
          {input('cashback', 'Cashback (base currency, e.g. 25.00)', {
            inputMode: 'decimal',
            defaultValue: effect.cashback ?? '',
          })}
          {input('badge', 'Badge (code)', { defaultValue: effect.badge ?? '' })}
          {input('catalogReward', 'Catalog reward issued free (id)', {
            defaultValue: effect.catalogReward ?? '',
          })}
        </fieldset>
        {input('startsAt', automation ? 'Starts on' : 'Starts on (empty: now)', {
          type: 'date',
          defaultValue: startsOn,
        })}
        <label className="check">
          <input type="checkbox" name="enabled" defaultChecked={automation?.enabled ?? true} /> Enabled (a
          paused automation fires nothing)
        </label>
        {f.alert}
        <span className="actions">
          <button type="submit" disabled={save.isPending}>
            {automation ? 'Save the automation' : 'Create the automation'}
          </button>
          <button type="button" onClick={onDone}>
            Cancel
          </button>
        </span>
      </form>
    </section>
  );
}
