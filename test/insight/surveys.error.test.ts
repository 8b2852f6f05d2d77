// Bad survey input gets a 4xx problem naming the field, and writes nothing.
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectRows } from '../../src/db/client.ts';
import { json, newProgram, type Program } from '../events/helpers.ts';
import { type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
let p: Program;
let contact: string;

beforeAll(async () => {
  api = await testApi();
  p = await newProgram(api);
  await p.account('ACME');
  const c = await p.send(p.write, {
    method: 'POST',
    url: '/v1/accounts/ACME/contacts',
    payload: { email: 'x@acme.example' },
  });
  contact = json(c).id;
});

const count = async (table: 'surveys' | 'survey_answers') =>
  Number(
    (
      await selectRows<{ n: string }>(
        api.database.db,
        sql`select count(*)::text as n from ${sql.raw(table)} where program_id = ${p.id}`,
      )
    )[0]!.n,
  );

const survey = async (payload: object) => p.send(p.admin, { method: 'POST', url: '/v1/surveys', payload });

describe('survey input', () => {
  it('a question without its default wording names question/default', async () => {
    const r = await survey({ name: 'No default', question: { nl: 'Aanbevelen?' } });
    expect(r.statusCode).toBe(400);
    expect(json(r).errors.map((e: { path: string }) => e.path)).toEqual(['/body/question/default']);
    expect(await count('surveys')).toBe(0);
  });

  it('answers out of range, comments the survey does not ask, and closed surveys are refused', async () => {
    const s = json(await survey({ name: 'Plain', question: { default: 'Recommend?' }, comment: false })).id;
    const answer = (payload: object) =>
      p.send(p.write, { method: 'POST', url: `/v1/surveys/${s}/answers`, payload });
    for (const score of [11, -1, 7.5]) {
      const r = await answer({ contact, score });
      expect(r.statusCode, String(score)).toBe(400);
      expect(json(r).errors[0].path).toBe('/body/score');
    }
    const commented = await answer({ contact, score: 8, comment: 'extra' });
    expect(commented.statusCode).toBe(400);
    expect(json(commented).errors.map((e: { path: string }) => e.path)).toEqual(['/body/comment']);
    const unknown = await answer({ contact: 'con_00000000000000000000000000', score: 8 });
    expect(json(unknown).code).toBe('contact_not_found');
    const closed = await p.send(p.admin, { method: 'POST', url: `/v1/surveys/${s}/close`, payload: {} });
    expect(json(closed).status).toBe('closed');
    const late = await answer({ contact, score: 8 });
    expect(late.statusCode).toBe(409);
    expect(json(late).code).toBe('survey_closed');
    expect(await count('survey_answers')).toBe(0);
  });
});
