// A form's refusal by the API placed at its fields: each error of the problem document whose
// pointer (`/body/...`) names a field of the form shows under that field, which is marked
// `aria-invalid` and described by its errors; the rest shows in the alert with the problem's title.
import { ProblemError } from '../api/client';
import { ProblemAlert } from './Problem';

export interface FormErrors {
  /** The props of a field's input: id, name, aria-invalid and aria-describedby. */
  field(name: string): {
    id: string;
    name: string;
    'aria-invalid'?: true;
    'aria-describedby'?: string;
  };
  /** The errors under a field (nothing when it has none). */
  errorsAt(name: string): React.ReactNode;
  /** The alert: the problem's title, its detail, and the errors placed at no field. */
  alert: React.ReactNode;
  /** Whether a field has errors. */
  has(name: string): boolean;
}

/**
 * `fieldOf` maps a problem's error pointer to a field's name (or undefined: shown in the alert);
 * `prefix` makes the ids unique on the page.
 */
export function formErrors(
  error: unknown,
  fieldOf: (path: string) => string | undefined,
  prefix: string,
): FormErrors {
  const problem = error instanceof ProblemError ? error.problem : undefined;
  const errors: Record<string, string[]> = {};
  const elsewhere: { path: string; message: string }[] = [];
  for (const e of problem?.errors ?? []) {
    const name = fieldOf(e.path);
    if (name) errors[name] = [...(errors[name] ?? []), e.message];
    else elsewhere.push(e);
  }
  const id = (name: string) => `${prefix}-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;
  return {
    field: (name) => ({
      id: id(name),
      name,
      ...(errors[name] && { 'aria-invalid': true as const, 'aria-describedby': `${id(name)}-errors` }),
    }),
    errorsAt: (name) =>
      errors[name] && (
        <ul className="field-errors" id={`${id(name)}-errors`}>
          {errors[name].map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      ),
    has: (name) => !!errors[name],
    alert: problem ? (
      <div role="alert" className="problem">
        <strong>{problem.title}</strong>
        {problem.detail && problem.detail !== problem.title && !problem.errors?.length && (
          <p>{problem.detail}</p>
        )}
        {elsewhere.length > 0 && (
          <ul>
            {elsewhere.map((e) => (
              <li key={`${e.path}:${e.message}`}>
                <code>{e.path}</code>: {e.message}
              </li>
            ))}
          </ul>
        )}
        {problem.code && <p className="muted">code: {problem.code}</p>}
      </div>
    ) : error ? (
      <ProblemAlert error={error} />
    ) : null,
  };
}

/** A pointer without its `/body` (and an optional further prefix such as `/document`). */
export function pointerIn(path: string, ...prefixes: string[]): string {
  let rest = path.startsWith('/body') ? path.slice('/body'.length) : path;
  for (const p of prefixes) if (rest.startsWith(p)) rest = rest.slice(p.length);
  return rest;
}

type FieldProps = {
  /** The form's errors (`formErrors`): the input's id, name and `aria-*`, and its errors under it. */
  errors: FormErrors;
  name: string;
  label: React.ReactNode;
  /**
   * Another control than an `<input>` (a select, a textarea): given the field's props (id, name,
   * aria-invalid, aria-describedby) to spread on it.
   */
  control?: (props: ReturnType<FormErrors['field']>) => React.ReactNode;
} & React.InputHTMLAttributes<HTMLInputElement>;

/** A form's field: its label, its input (or `control`) and, under it, the API's errors placed at it. */
export function Field({ errors, name, label, control, ...input }: FieldProps) {
  const props = errors.field(name);
  return (
    <>
      <label htmlFor={props.id}>{label}</label>
      {control ? control(props) : <input {...props} {...input} />}
      {errors.errorsAt(name)}
    </>
  );
}
