// Imports: a CSV file of accounts, contacts, relationships or events sent to the import routes (text/csv), as a dry
// run (nothing written) or for real, with the upload's progress and the report line by line.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { ProblemError, type Schemas, uploadCsv } from '../api/client';
import { AccountName } from '../components/Names';
import { ProblemAlert } from '../components/Problem';
import { can, useSession } from '../session';

type Kind = 'accounts' | 'contacts' | 'relationships' | 'events';
type Report = Schemas['ImportReport'] | Schemas['EventImportReport'];
interface Line {
  line: number;
  outcome: string;
  path?: string;
  message: string;
}

const COLUMNS: Record<Kind, string> = {
  accounts:
    'externalId and name (required), parentExternalId, segment, country, preferredCurrency, status, customerSince, referralCode, attr.<name>',
  contacts:
    'email and accountExternalId (required), name, role, birthday, locale, marketingOptIn, statementOptIn',
  relationships:
    'fromExternalId, type (manages) and toExternalId (required), startedAt, endedAt (an end given to an open link ends it)',
  events: 'id, type, account, occurredAt (required), amount, currency, and the other event fields',
};

/** The report's lines: every row of an events import; the bad rows of the others. */
function linesOf(report: Report): Line[] {
  if (report.kind === 'events')
    return report.lines.map((l) => ({
      line: l.line,
      outcome: l.outcome,
      message:
        l.errors?.map((e) => `${e.path}: ${e.message}`).join('; ') ??
        l.detail ??
        (l.totals ? `${l.totals.points} points, ${l.totals.cashback} cashback` : ''),
    }));
  return report.errors.map((e) => ({ line: e.line, outcome: 'invalid', path: e.path, message: e.message }));
}

export function Imports() {
  const session = useSession();
  const writes = can(session, 'write');
  const client = useQueryClient();
  const [kind, setKind] = useState<Kind>('accounts');
  const [progress, setProgress] = useState<number>();
  useEffect(() => {
    document.title = 'Imports · Fidelis console';
  }, []);
  const upload = useMutation({
    mutationFn: async ({
      file,
      dryRun,
      skipInvalid,
    }: {
      file: File;
      dryRun: boolean;
      skipInvalid: boolean;
    }) => {
      setProgress(0);
      try {
        return (await uploadCsv(`/v1/imports/${kind}`, file, { dryRun, skipInvalid }, setProgress)) as Report;
      } finally {
        setProgress(undefined);
      }
    },
    onSuccess: () => client.invalidateQueries(),
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const file = form.get('file');
    if (!(file instanceof File) || file.size === 0) return;
    upload.mutate({
      file,
      dryRun: form.get('dryRun') === 'on',
      skipInvalid: form.get('skipInvalid') === 'on',
    });
  };

  // A refused import (import_invalid_rows) lists its bad rows in the problem, each with its line.
  const refused =
    upload.error instanceof ProblemError
      ? (upload.error.problem.errors ?? [])
          .filter((e) => e.line !== undefined)
          .map((e) => ({ line: e.line!, outcome: 'invalid', path: e.path, message: e.message }))
      : [];
  const report = upload.data;
  const lines = report ? linesOf(report) : refused;

  if (!writes)
    return (
      <>
        <h1>Imports</h1>
        <p className="note" role="note">
          Your role ({session.user.role}) may not import: ask a manager, an admin or the owner.
        </p>
      </>
    );
  return (
    <>
      <h1>Imports</h1>
      <p>Upload a CSV file (UTF-8, a header row). Every row is checked first; a dry run writes nothing.</p>
      <form onSubmit={submit} className="stack">
        <label htmlFor="import-kind">What the file holds</label>
        <select id="import-kind" value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
          <option value="accounts">Accounts</option>
          <option value="contacts">Contacts</option>
          <option value="relationships">Relationships</option>
          <option value="events">Events</option>
        </select>
        <p className="muted" id="import-columns">
          Columns: {COLUMNS[kind]}.
        </p>
        <label htmlFor="import-file">CSV file</label>
        <input
          id="import-file"
          name="file"
          type="file"
          accept=".csv,text/csv"
          required
          aria-describedby="import-columns"
        />
        <label className="check">
          <input type="checkbox" name="dryRun" defaultChecked /> Dry run (check only, write nothing)
        </label>
        <label className="check">
          <input type="checkbox" name="skipInvalid" /> Import the good rows even when some are bad
        </label>
        <div className="actions">
          <button type="submit" disabled={upload.isPending}>
            Upload
          </button>
        </div>
      </form>
      {upload.isPending && (
        <p role="status">
          <label htmlFor="import-progress">Uploading… </label>
          <progress id="import-progress" max={1} value={progress && progress < 1 ? progress : undefined} />
        </p>
      )}
      <ProblemAlert error={upload.error} />
      {report && (
        <p role="status">
          {report.dryRun ? 'Dry run: ' : ''}
          {report.kind === 'events'
            ? `${report.lines.length} rows; ${report.dryRun ? `${report.checked} would be ingested` : `${report.ingested} ingested`}.`
            : `${report.rows} rows; ${report.created} ${report.dryRun ? 'would be created' : 'created'}, ${report.updated} ${report.dryRun ? 'would be updated' : 'updated'}, ${report.skipped} skipped.`}
        </p>
      )}
      {lines.length > 0 && (
        <table>
          <caption>Report, line by line (the header is line 1)</caption>
          <thead>
            <tr>
              <th scope="col" className="number">
                Line
              </th>
              <th scope="col">Outcome</th>
              <th scope="col">Column</th>
              <th scope="col">Message</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((l, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a line may have several errors
              <tr key={i}>
                <td className="number">{l.line}</td>
                <td>{l.outcome}</td>
                <td>{l.path ?? '—'}</td>
                <td>{l.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {report && report.kind !== 'events' && (report.referrals?.length ?? 0) > 0 && (
        <table>
          <caption>Referrals the file attributes, and what the fraud guards found</caption>
          <thead>
            <tr>
              <th scope="col" className="number">
                Line
              </th>
              <th scope="col">Account</th>
              <th scope="col">Referrer</th>
              <th scope="col">Status</th>
              <th scope="col">Guards</th>
            </tr>
          </thead>
          <tbody>
            {report.referrals!.map((r) => (
              <tr key={r.line} data-testid={`referral-line-${r.line}`}>
                <td className="number">{r.line}</td>
                <td>{r.externalId}</td>
                <td>
                  <AccountName id={r.referrerAccountId} />
                </td>
                <td>{r.status === 'review' ? 'waits for review' : r.status}</td>
                <td>{r.findings.map((f) => `${f.guard} (${f.action}): ${f.reason}`).join('; ') || '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
