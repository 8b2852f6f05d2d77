// What the sections of Settings › Policies share: reading a module's settings from the program,
// turning what was typed into what the API takes (a number as typed, money in the user's locale to
// minor units), and the controls made with `Field` (a select, a checkbox, role boxes) with a hint.
import type { Schemas } from '../../api/client';
import { formatAmount } from '../../format';
import { Field, type FormErrors } from '../Fields';

export type Program = Schemas['Program'];
export type Module = Record<string, unknown>;
/** The modules a section writes, each whole (a PATCH replaces each module it names). */
export type Modules = Record<string, Module>;

/** What each section of the form gets: the program as the API has it, and the form's errors. */
export interface SectionProps {
  program: Program;
  f: FormErrors;
}

export const moduleOf = (program: Program, name: string): Module => (program.settings[name] ?? {}) as Module;
export const text = (form: FormData, name: string) => String(form.get(name) ?? '').trim();
/** A number as typed: empty → left out; not a number → the text, for the API to refuse at its field. */
export const numberOr = (s: string): number | string | undefined =>
  s === '' ? undefined : Number.isFinite(Number(s)) ? Number(s) : s;
/** The object without its undefined values. */
export const defined = (o: Module): Module =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** The number of decimals of a currency (2 for EUR, 0 for JPY). */
export function digitsOf(currency: string): number {
  return (
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
  );
}

/**
 * An amount typed in the currency's units ("1250", "1250.50", "1.250,50", "1,250.50") → minor units;
 * empty → undefined; what is not such an amount → the text as typed, for the API to refuse at its field.
 */
export function minorUnitsOr(typed: string, currency: string): number | string | undefined {
  const s = typed.replace(/[\s\u00a0\u202f']/g, '');
  if (s === '') return undefined;
  // Groups of three after a first group of one to three digits, then a decimal separator ('.' or ',').
  const found = /^(\d{1,3}(?:[.,]\d{3})*|\d+)(?:[.,](\d+))?$/.exec(s);
  if (!found) return typed;
  // "1,250" and "1.250" are grouped thousands; "1250.500" has more decimals than EUR: sent as typed.
  const digits = digitsOf(currency);
  const whole = found[1]!.replace(/[.,]/g, '');
  const fraction = found[2] ?? '';
  if (fraction.length > digits) return typed;
  return Number(whole + fraction.padEnd(digits, '0'));
}

/** Minor units as the input shows them: the plain decimal ("1250.50"). */
export function unitsOf(minor: number | undefined, currency: string): string {
  if (minor === undefined) return '';
  const digits = digitsOf(currency);
  return digits === 0 ? String(minor) : (minor / 10 ** digits).toFixed(digits);
}

/** A hint under a field: the value now in the user's locale when it is money. */
export function moneyHint(minor: number | undefined, currency: string, none: string): string {
  return minor === undefined ? none : `Now ${formatAmount(minor, currency)}`;
}

type Option = readonly [value: string, label: string];

/** A `Field` whose control is a select of `options`. */
export function SelectField({
  f,
  name,
  label,
  value,
  options,
  hint,
}: {
  f: FormErrors;
  name: string;
  label: string;
  value: string;
  options: readonly Option[];
  hint?: string;
}) {
  return (
    <span>
      <Field
        errors={f}
        name={name}
        label={label}
        control={(props) => (
          <select {...props} defaultValue={value}>
            {options.map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </select>
        )}
      />
      {hint && <span className="muted">{hint}</span>}
    </span>
  );
}

/** A `Field` with an input, its value now, and a hint. */
export function InputField({
  f,
  name,
  label,
  value,
  hint,
  inputMode,
}: {
  f: FormErrors;
  name: string;
  label: string;
  value: unknown;
  hint?: string;
  inputMode?: 'numeric' | 'decimal';
}) {
  return (
    <span>
      <Field
        errors={f}
        name={name}
        label={label}
        defaultValue={value === undefined || value === null ? '' : String(value)}
        inputMode={inputMode}
      />
      {hint && <span className="muted">{hint}</span>}
    </span>
  );
}

/** A checkbox with its label after it, its errors under it. */
export function CheckField({
  f,
  name,
  label,
  checked,
}: {
  f: FormErrors;
  name: string;
  label: string;
  checked: boolean;
}) {
  const props = f.field(name);
  return (
    <span>
      <label className="check" htmlFor={props.id}>
        <input type="checkbox" {...props} defaultChecked={checked} /> {label}
      </label>
      {f.errorsAt(name)}
    </span>
  );
}

export const CONTACT_ROLES = ['owner', 'admin', 'buyer', 'approver', 'viewer'] as const;

/** Boxes of contact roles (`name` ticked once for each role), their errors under them. */
export function RoleBoxes({
  f,
  name,
  legend,
  chosen,
}: {
  f: FormErrors;
  name: string;
  legend: string;
  chosen: readonly string[];
}) {
  const props = f.field(name);
  return (
    <fieldset aria-describedby={props['aria-describedby']}>
      <legend>{legend}</legend>
      <div className="checks">
        {CONTACT_ROLES.map((r) => (
          <label className="check" key={r}>
            <input type="checkbox" name={name} value={r} defaultChecked={chosen.includes(r)} /> {r}
          </label>
        ))}
      </div>
      {f.errorsAt(name)}
    </fieldset>
  );
}

/** The roles ticked in boxes named `name`. */
export const rolesOf = (form: FormData, name: string) => form.getAll(name).map(String);
