// A portal slug is one program's even when two programs ask for it at the same instant (decision
// 0022): the unique index on the portal address lets one write and the other answers
// portal_slug_taken, naming the field, with nothing written.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';
import { json } from './portal-fixture.ts';

let api: TestApi;

beforeAll(async () => {
  api = await testApi();
  expect(api.database.driver).toBe('postgres');
}, 180_000);

describe('portal slugs at once', () => {
  it('two programs taking one slug together: one wins, the other is refused and unchanged', async () => {
    const ask = (key: string, name: string) =>
      api.call(key, {
        method: 'PATCH',
        url: '/v1/program',
        payload: { name, settings: { portal: { slug: 'contested' } } },
      });
    const answers = await Promise.all([ask(api.a.admin, 'Program A now'), ask(api.b.admin, 'Program B now')]);
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 409]);
    const refused = answers.find((a) => a.statusCode === 409)!;
    expect(json(refused)).toMatchObject({
      code: 'portal_slug_taken',
      errors: [{ path: '/body/settings/portal/slug' }],
    });
    const programs = await Promise.all(
      [api.a.admin, api.b.admin].map(async (key) =>
        json(await api.call(key, { method: 'GET', url: '/v1/program' })),
      ),
    );
    const slugs = programs.map((p) => p.settings.portal?.slug ?? null);
    expect(slugs.filter((s) => s === 'contested')).toHaveLength(1);
    // The loser's name did not change either: the whole update was refused.
    const loser = programs[slugs.indexOf('contested') === 0 ? 1 : 0]!;
    expect(loser.name).not.toMatch(/now$/);
  });
});
