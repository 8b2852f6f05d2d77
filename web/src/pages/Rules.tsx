// Earning rules: the rules in force with their versions, an editor for a rule document (JSON, the
// API's validation errors shown at the field), a simulation of the draft against a sample event
// (writing nothing), and publishing it as a new rule or a new version of the one being edited.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useMemo, useState } from 'react';
import { api, data, ProblemError, type Schemas } from '../api/client';
import type { operations } from '../api/schema';
import { ProblemAlert } from '../components/Problem';
import { formatDateTime } from '../format';
import { can, useSession } from '../session';

type Rule = Schemas['Rule'];
type RuleDocument = Schemas['RuleDocument'];

const NEW_RULE: RuleDocument = {
  name: 'Big order bonus',
  trigger: { types: ['purchase'] },
  condition: 'event.amount >= 1000.0',
  effects: [{ kind: 'fixed', points: 500 }],
};

const sampleEvent = () => ({
  id: `SIM-${Date.now()}`,
  type: 'purchase',
  account: 'CRM-0001',
  occurredAt: new Date().toISOString(),
  amount: '1500.00',
  currency: 'EUR',
});

const pretty = (value: unknown) => JSON.stringify(value, null, 2);

/** The JSON of a text field, or the reason it is not JSON. */
function parse(text: string): { value: unknown } | { error: string } {
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/** The API's field errors about the rule document, their paths made relative to the document. */
function documentErrors(error: unknown): { path: string; message: string }[] {
  if (!(error instanceof ProblemError)) return [];
  return (error.problem.errors ?? [])
    .filter((e) => /^(\/body)?\/(document|rules\/0)(\/|$)/.test(e.path))
    .map((e) => ({
      path: e.path.replace(/^(\/body)?\/(document|rules\/0)/, '') || '/',
      message: e.message,
    }));
}

export function Rules() {
  const session = useSession();
  const admin = can(session, 'admin');
  const client = useQueryClient();
  useEffect(() => {
    document.title = 'Rules · Fidelis console';
  }, []);
  const rules = useQuery({
    queryKey: ['rules'],
    queryFn: () => data(api.GET('/v1/rules')),
  });
  const [editing, setEditing] = useState<Rule | null>(null);
  const [text, setText] = useState(pretty(NEW_RULE));
  const [eventText, setEventText] = useState(() => pretty(sampleEvent()));
  const [draftOnly, setDraftOnly] = useState(true);
  // Checked as the user types: the JSON syntax here, the document's meaning by the API.
  const parsedText = useMemo(() => parse(text), [text]);
  const parseError = 'error' in parsedText ? `Not JSON: ${parsedText.error}` : undefined;
  const [published, setPublished] = useState<Rule>();

  const publish = useMutation({
    mutationFn: ({ document, ruleId }: { document: RuleDocument; ruleId?: string }) =>
      data(
        ruleId
          ? api.PUT('/v1/rules/{ruleId}', { params: { path: { ruleId } }, body: { document } })
          : api.POST('/v1/rules', { body: { document } }),
      ),
    onSuccess: (rule) => {
      setPublished(rule);
      setEditing(rule);
      client.invalidateQueries({ queryKey: ['rules'] });
      client.invalidateQueries({ queryKey: ['rule-versions', rule.id] });
    },
  });
  const simulate = useMutation({
    mutationFn: ({ document, event }: { document: RuleDocument; event: unknown }) =>
      data(
        api.POST('/v1/rules/simulate', {
          body: {
            events: [event as Schemas['EventInput']],
            rules: [document],
            mode: draftOnly ? 'replace' : 'add',
          },
        }),
      ),
  });

  const draft = (): RuleDocument | undefined => {
    return 'value' in parsedText ? (parsedText.value as RuleDocument) : undefined;
  };
  const onPublish = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setPublished(undefined);
    simulate.reset();
    const document = draft();
    if (document) publish.mutate({ document, ...(editing && { ruleId: editing.id }) });
  };
  const [eventError, setEventError] = useState<string>();
  const onSimulate = () => {
    publish.reset();
    const document = draft();
    const parsed = parse(eventText);
    setEventError('error' in parsed ? `Not JSON: ${parsed.error}` : undefined);
    if (document && 'value' in parsed) simulate.mutate({ document, event: parsed.value });
  };
  const edit = (rule: Rule | null) => {
    setEditing(rule);
    setText(pretty(rule ? rule.document : NEW_RULE));
    setPublished(undefined);
    publish.reset();
    simulate.reset();
  };

  const fieldErrors = documentErrors(publish.error ?? simulate.error);
  const editorId = useId();
  const errorsId = `${editorId}-errors`;
  const invalid = parseError !== undefined || fieldErrors.length > 0;
  const rows = rules.data?.data ?? [];

  return (
    <>
      <h1>Rules</h1>
      <p>
        The earning rules in force (their latest versions). A change adds a version; earlier versions keep
        applying to events that occurred before it.
      </p>
      <ProblemAlert error={rules.error} />
      {rules.isPending ? (
        <p className="loading">Loading…</p>
      ) : rows.length === 0 ? (
        <p>No rule yet.</p>
      ) : (
        <table>
          <caption className="visually-hidden">Rules</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Triggers</th>
              <th scope="col" className="number">
                Version
              </th>
              <th scope="col">In force from</th>
              <th scope="col">State</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((rule) => (
              <RuleRow key={rule.id} rule={rule} admin={admin} onEdit={() => edit(rule)} />
            ))}
          </tbody>
        </table>
      )}

      <section aria-labelledby="editor-title">
        <h2 id="editor-title">{editing ? `Edit “${editing.document.name}”` : 'New rule'}</h2>
        {!admin && (
          <p className="note" role="note">
            Your role ({session.user.role}) may simulate a draft but not publish it.
          </p>
        )}
        <form onSubmit={onPublish} className="stack">
          <label htmlFor={editorId}>Rule document (JSON)</label>
          <textarea
            id={editorId}
            className="code"
            rows={14}
            spellCheck={false}
            value={text}
            onChange={(e) => setText(e.target.value)}
            aria-invalid={invalid}
            aria-describedby={invalid ? errorsId : undefined}
          />
          {invalid && (
            <ul id={errorsId} className="field-errors" aria-label="Errors in the rule document">
              {parseError && <li>{parseError}</li>}
              {fieldErrors.map((e) => (
                <li key={`${e.path}:${e.message}`}>
                  <code>{e.path}</code>: {e.message}
                </li>
              ))}
            </ul>
          )}

          <label htmlFor={`${editorId}-event`}>Sample event (JSON)</label>
          <textarea
            id={`${editorId}-event`}
            className="code"
            rows={9}
            spellCheck={false}
            value={eventText}
            onChange={(e) => setEventText(e.target.value)}
            aria-invalid={eventError !== undefined}
          />
          {eventError && <p className="field-errors">{eventError}</p>}
          <label className="check">
            <input type="checkbox" checked={draftOnly} onChange={(e) => setDraftOnly(e.target.checked)} />{' '}
            Only the draft (without the live rules)
          </label>
          <div className="actions">
            <button type="button" onClick={onSimulate} disabled={simulate.isPending}>
              Simulate
            </button>
            {admin && (
              <button type="submit" disabled={publish.isPending}>
                {editing ? 'Publish a new version' : 'Publish'}
              </button>
            )}
            {editing && (
              <button type="button" onClick={() => edit(null)}>
                New rule
              </button>
            )}
          </div>
        </form>
        <ProblemAlert error={publish.error ?? simulate.error} />
        {published && (
          <p role="status">
            Published “{published.document.name}” ({published.id}), version {published.version}, in force from{' '}
            {formatDateTime(published.effectiveFrom)}.
          </p>
        )}
        {simulate.data && <Simulation results={simulate.data.results} />}
      </section>
    </>
  );
}

function RuleRow({ rule, admin, onEdit }: { rule: Rule; admin: boolean; onEdit: () => void }) {
  const [open, setOpen] = useState(false);
  const versions = useQuery({
    queryKey: ['rule-versions', rule.id],
    enabled: open,
    queryFn: () => data(api.GET('/v1/rules/{ruleId}/versions', { params: { path: { ruleId: rule.id } } })),
  });
  const d = rule.document;
  return (
    <>
      <tr>
        <td>
          {d.name}
          <div className="muted">{rule.id}</div>
        </td>
        <td>{d.trigger.types.join(', ')}</td>
        <td className="number">{rule.version}</td>
        <td>{formatDateTime(rule.effectiveFrom)}</td>
        <td>{d.enabled === false ? 'Off' : 'On'}</td>
        <td>
          <span className="actions">
            <button
              type="button"
              aria-expanded={open}
              aria-label={`Versions of ${d.name}`}
              onClick={() => setOpen(!open)}
            >
              Versions
            </button>
            <button type="button" aria-label={`${admin ? 'Edit' : 'Open'} ${d.name}`} onClick={onEdit}>
              {admin ? 'Edit' : 'Open'}
            </button>
          </span>
        </td>
      </tr>
      {open && (
        <tr>
          <td colSpan={6}>
            <ProblemAlert error={versions.error} />
            {versions.data && (
              <ol aria-label={`Versions of ${d.name}`}>
                {versions.data.data.map((v) => (
                  <li key={v.version}>
                    Version {v.version}, in force from {formatDateTime(v.effectiveFrom)}
                    {v.document.enabled === false ? ' (off)' : ''}
                  </li>
                ))}
              </ol>
            )}
          </td>
        </tr>
      )}
    </>
  );
}

type Results = operations['simulateRules']['responses'][200]['content']['application/json']['results'];

function Simulation({ results }: { results: Results }) {
  return (
    <section aria-labelledby="simulation-title">
      <h3 id="simulation-title">Simulation</h3>
      {results.map((r) =>
        r.ok ? (
          <div key={r.id}>
            <p role="status">
              Event {r.id}: {r.result.totals.points} points, {r.result.totals.cashback} cashback,{' '}
              {r.result.totals.tierCredits} tier credits.
            </p>
            <table>
              <caption className="visually-hidden">Each rule's outcome for event {r.id}</caption>
              <thead>
                <tr>
                  <th scope="col">Rule</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">Reason</th>
                </tr>
              </thead>
              <tbody>
                {r.result.rules.map((rule) => (
                  <tr key={`${rule.ruleId}:${rule.ruleVersion}`}>
                    <td>{rule.name}</td>
                    <td>
                      <span className="tag">{rule.outcome}</span>
                    </td>
                    <td>{rule.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {r.result.awards.length > 0 && (
              <ul aria-label="Awards">
                {r.result.awards.map((a, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: awards have no id before they are written
                  <li key={i} className="explanation">
                    {a.explanation}
                  </li>
                ))}
              </ul>
            )}
          </div>
        ) : (
          <div key={r.id} role="alert" className="problem">
            <strong>Event {r.id} cannot be evaluated</strong>
            <p>{r.detail}</p>
            <p className="muted">code: {r.code}</p>
          </div>
        ),
      )}
    </section>
  );
}
