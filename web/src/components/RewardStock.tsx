// A reward's stock beyond its count (decision 0038): a code pool — its codes by state from
// GET /v1/rewards/{id} (stock.codes) and a CSV file of codes uploaded as it is to
// POST /v1/rewards/{id}/codes (text/csv, a column named code), whose refusal (a duplicate code, an
// empty row) shows at the file's field — and the sessions of a session or experience reward with
// their capacity and places left (GET /v1/rewards/{id}/sessions), a date added by an admin.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, data, ProblemError, type Schemas, uploadCsv } from '../api/client';
import { formatDateTime, formatNumber } from '../format';
import { formErrors, pointerIn } from './Fields';
import { ProblemAlert } from './Problem';

type Reward = Schemas['Reward'];

/** What a code import answers. */
interface CodesImport {
  imported: number;
  available: number;
  low: boolean;
}

export function CodePool({
  reward,
  admin,
  onClose,
}: {
  reward: Reward;
  admin: boolean;
  onClose: () => void;
}) {
  const client = useQueryClient();
  const read = useQuery({
    queryKey: ['reward', reward.id],
    queryFn: () => data(api.GET('/v1/rewards/{rewardId}', { params: { path: { rewardId: reward.id } } })),
  });
  const [progress, setProgress] = useState(0);
  const upload = useMutation({
    mutationFn: (file: File) => {
      setProgress(0);
      return uploadCsv(
        `/v1/rewards/${encodeURIComponent(reward.id)}/codes`,
        file,
        {},
        setProgress,
      ) as Promise<CodesImport>;
    },
    onSuccess: () => {
      client.invalidateQueries({ queryKey: ['reward', reward.id] });
      client.invalidateQueries({ queryKey: ['rewards'] });
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const file = new FormData(event.currentTarget).get('file');
    if (file instanceof File && file.size > 0) upload.mutate(file);
  };
  const problem = upload.error instanceof ProblemError ? upload.error.problem : undefined;
  // Every error of the file is the file's: a code by its place in the file, or a row by its line.
  const fileErrors = (problem?.errors ?? []).map((e) => {
    const index = /^\/codes\/(\d+)$/.exec(pointerIn(e.path))?.[1];
    if (e.line !== undefined) return `line ${e.line}: ${e.message}`;
    return index !== undefined ? `code ${Number(index) + 1} of the file: ${e.message}` : e.message;
  });
  const codes = read.data?.stock.codes;
  return (
    <section aria-labelledby="code-pool-title">
      <h2 id="code-pool-title">Code pool of “{reward.name}”</h2>
      <ProblemAlert error={read.error} />
      {read.isPending && <p className="loading">Loading…</p>}
      {codes && (
        <dl className="facts" aria-label="Codes by state">
          <dt>Unused</dt>
          <dd data-testid="codes-available">{formatNumber(codes.available)}</dd>
          <dt>Reserved (a redemption waits)</dt>
          <dd data-testid="codes-reserved">{formatNumber(codes.reserved)}</dd>
          <dt>Issued (used)</dt>
          <dd data-testid="codes-issued">{formatNumber(codes.issued)}</dd>
        </dl>
      )}
      {read.data?.stock.low && <p className="note">The pool is low (at or below its threshold).</p>}
      {admin ? (
        <form className="stack" onSubmit={submit} noValidate aria-label={`Add codes to ${reward.name}`}>
          <label htmlFor="codes-file">CSV file of codes (a column named code, one code a row)</label>
          <input
            id="codes-file"
            name="file"
            type="file"
            accept=".csv,text/csv"
            aria-invalid={fileErrors.length > 0 || undefined}
            aria-describedby={fileErrors.length > 0 ? 'codes-file-errors' : undefined}
          />
          {fileErrors.length > 0 && (
            <ul className="field-errors" id="codes-file-errors">
              {fileErrors.slice(0, 20).map((m) => (
                <li key={m}>{m}</li>
              ))}
              {fileErrors.length > 20 && <li>and {fileErrors.length - 20} more</li>}
            </ul>
          )}
          {problem && (
            <div role="alert" className="problem">
              <strong>{problem.title}</strong>
              {problem.detail && <p>{problem.detail}</p>}
              {problem.code && <p className="muted">code: {problem.code}</p>}
            </div>
          )}
          {upload.error && !problem && <ProblemAlert error={upload.error} />}
          {upload.isPending && (
            <progress aria-label="Upload" max={1} value={progress}>
              {Math.round(progress * 100)}%
            </progress>
          )}
          {upload.data && (
            <p role="status">
              Imported {formatNumber(upload.data.imported)} codes; {formatNumber(upload.data.available)}{' '}
              unused now{upload.data.low ? ' (low)' : ''}.
            </p>
          )}
          <span className="actions">
            <button type="submit" disabled={upload.isPending}>
              Upload the codes
            </button>
            <button type="button" onClick={onClose}>
              Close
            </button>
          </span>
          <p className="muted">
            A code the pool has already, or one given twice, refuses the whole file: nothing is imported.
          </p>
        </form>
      ) : (
        <button type="button" onClick={onClose}>
          Close
        </button>
      )}
    </section>
  );
}

const SESSION_FIELDS = ['name', 'startsAt', 'endsAt', 'capacity'];

export function Sessions({
  reward,
  admin,
  onClose,
}: {
  reward: Reward;
  admin: boolean;
  onClose: () => void;
}) {
  const client = useQueryClient();
  const path = { rewardId: reward.id };
  const sessions = useQuery({
    queryKey: ['reward-sessions', reward.id],
    queryFn: () => data(api.GET('/v1/rewards/{rewardId}/sessions', { params: { path } })),
  });
  const add = useMutation({
    mutationFn: (form: FormData) => {
      const text = (name: string) => String(form.get(name) ?? '').trim();
      const instant = (name: string) => {
        const value = text(name);
        const date = new Date(value);
        // A local date and time as typed, sent as an instant; what is not one is sent as typed.
        return value && !Number.isNaN(date.getTime()) ? date.toISOString() : value;
      };
      const endsAt = instant('endsAt');
      return data(
        api.POST('/v1/rewards/{rewardId}/sessions', {
          params: { path },
          body: {
            ...(text('name') && { name: text('name') }),
            startsAt: instant('startsAt'),
            ...(endsAt && { endsAt }),
            capacity: (text('capacity') === '' ? Number.NaN : Number(text('capacity'))) as number,
          },
        }),
      );
    },
    onSuccess: () => {
      client.invalidateQueries({ queryKey: ['reward-sessions', reward.id] });
      client.invalidateQueries({ queryKey: ['reward', reward.id] });
      client.invalidateQueries({ queryKey: ['rewards'] });
    },
  });
  const errors = formErrors(
    add.error,
    (p) => {
      const [first] = pointerIn(p).split('/').filter(Boolean);
      return first && SESSION_FIELDS.includes(first) ? first : undefined;
    },
    'session',
  );
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    add.mutate(new FormData(event.currentTarget));
  };
  const rows = sessions.data?.data ?? [];
  return (
    <section aria-labelledby="sessions-title">
      <h2 id="sessions-title">Sessions of “{reward.name}”</h2>
      <ProblemAlert error={sessions.error} />
      {sessions.isPending ? (
        <p className="loading">Loading…</p>
      ) : rows.length === 0 ? (
        <p>No date yet: members cannot book it.</p>
      ) : (
        <table>
          <caption className="visually-hidden">Sessions with their capacity</caption>
          <thead>
            <tr>
              <th scope="col">Session</th>
              <th scope="col">Starts</th>
              <th scope="col">Ends</th>
              <th scope="col" className="number">
                Capacity
              </th>
              <th scope="col" className="number">
                Booked
              </th>
              <th scope="col" className="number">
                Places left
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((s) => (
              <tr key={s.id} data-session={s.id}>
                <td>{s.name ?? '—'}</td>
                <td>
                  <time dateTime={s.startsAt}>{formatDateTime(s.startsAt)}</time>
                </td>
                <td>{s.endsAt ? <time dateTime={s.endsAt}>{formatDateTime(s.endsAt)}</time> : '—'}</td>
                <td className="number">{formatNumber(s.capacity)}</td>
                <td className="number">{formatNumber(s.capacity - s.remaining)}</td>
                <td className="number">{formatNumber(s.remaining)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {admin && (
        <form className="stack" onSubmit={submit} noValidate aria-label={`Add a date to ${reward.name}`}>
          <label htmlFor="session-name">Session name (optional)</label>
          <input {...errors.field('name')} />
          {errors.errorsAt('name')}
          <label htmlFor="session-startsAt">Starts (your local time)</label>
          <input {...errors.field('startsAt')} type="datetime-local" />
          {errors.errorsAt('startsAt')}
          <label htmlFor="session-endsAt">Ends (optional, your local time)</label>
          <input {...errors.field('endsAt')} type="datetime-local" />
          {errors.errorsAt('endsAt')}
          <label htmlFor="session-capacity">Capacity (places)</label>
          <input {...errors.field('capacity')} inputMode="numeric" />
          {errors.errorsAt('capacity')}
          {errors.alert}
          {add.isSuccess && <p role="status">Date added.</p>}
          <span className="actions">
            <button type="submit" disabled={add.isPending}>
              Add the date
            </button>
            <button type="button" onClick={onClose}>
              Close
            </button>
          </span>
        </form>
      )}
      {!admin && (
        <button type="button" onClick={onClose}>
          Close
        </button>
      )}
    </section>
  );
}
