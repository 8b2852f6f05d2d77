// A refusal of the API shown where it happened: the problem's title, detail and field errors.
import { ProblemError } from '../api/client';

export function ProblemAlert({ error }: { error: unknown }) {
  if (!error) return null;
  const problem =
    error instanceof ProblemError
      ? error.problem
      : { title: 'Something went wrong', status: 0, detail: String(error) };
  return (
    <div role="alert" className="problem">
      <strong>{problem.title}</strong>
      {problem.detail && problem.detail !== problem.title && <p>{problem.detail}</p>}
      {problem.errors && problem.errors.length > 0 && (
        <ul>
          {problem.errors.map((e) => (
            <li key={`${e.path}:${e.message}`}>
              <code>{e.path}</code>: {e.message}
            </li>
          ))}
        </ul>
      )}
      {problem.code && <p className="muted">code: {problem.code}</p>}
    </div>
  );
}
