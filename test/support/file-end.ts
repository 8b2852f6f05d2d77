// What a test file opened (a store, a server, a mailbox) closed when the file ends, wherever it was
// opened. Vitest drops an `afterAll` registered while a hook or a test runs — and the helpers below
// are called from `beforeAll` — so they register here instead, and the store projects' setup file
// (file-end-setup.ts) runs the list, last opened first, after the file's own `afterAll` hooks.
// Without it a file's pool, job workers and database outlived the file: with the postgres project's
// shared module graph (decision 0050) they piled up until the server refused connections.
const cleanups: (() => unknown)[] = [];

/** Runs `close` when the current test file ends. */
export function atFileEnd(close: () => unknown): void {
  cleanups.push(close);
}

/** Runs and forgets what the file registered, last first; every one runs even if one fails. */
export async function runFileEnd(): Promise<void> {
  const errors: unknown[] = [];
  while (cleanups.length > 0) {
    try {
      await cleanups.pop()!();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, 'closing the test file’s resources failed');
}
