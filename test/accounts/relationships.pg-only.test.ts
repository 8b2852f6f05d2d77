// Relationship races only a real multi-connection PostgreSQL can show: links that would close a
// manages cycle, sent at once, cannot all pass (the program's relationship lock).
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';

let api: TestApi;

beforeAll(async () => {
  api = await testApi();
  expect(api.database.driver).toBe('postgres');
  for (const externalId of ['X', 'Y', 'Z'])
    await api.call(api.a.write, {
      method: 'POST',
      url: '/v1/accounts',
      payload: { externalId, name: externalId },
    });
}, 300_000);

const link = (from: string, to: string) =>
  api.call(api.a.write, { method: 'POST', url: '/v1/relationships', payload: { type: 'manages', from, to } });

describe('concurrent manages links', () => {
  it('lets at most two of a three-link cycle through, and never the same pair twice', async () => {
    const answers = await Promise.all([
      link('X', 'Y'),
      link('Y', 'Z'),
      link('Z', 'X'),
      link('X', 'Y'),
      link('Y', 'Z'),
    ]);
    const codes = answers.map((r) => r.statusCode).sort();
    expect(codes.filter((c) => c === 201)).toHaveLength(2);
    expect(answers.every((r) => [201, 409, 422].includes(r.statusCode))).toBe(true);
    const rows = (await api.call(api.a.read, { method: 'GET', url: '/v1/relationships' })).json().data;
    expect(rows).toHaveLength(2);
    const pairs = new Set(
      rows.map((r: { fromAccountId: string; toAccountId: string }) => `${r.fromAccountId}>${r.toAccountId}`),
    );
    expect(pairs.size).toBe(2);
  });
});
