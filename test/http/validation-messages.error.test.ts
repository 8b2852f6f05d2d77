// Validation errors name what is allowed: a field with several allowed forms (a union of literals,
// or of effect kinds) gets one error naming the allowed values, not one per value.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
beforeAll(async () => {
  api = await testApi();
});

type Problem = { code: string; errors: { path: string; message: string }[] };

describe('errors for fields with several allowed forms', () => {
  it('name the allowed values of a union of literals once', async () => {
    const res = await api.call(api.a.admin, {
      method: 'POST',
      url: '/v1/tier-ladders',
      payload: {
        document: {
          name: 'X',
          metric: 'bogus',
          window: { kind: 'calendar_year' },
          tiers: [{ code: 'a', name: 'A', threshold: '1' }],
        },
      },
    });
    expect(res.statusCode).toBe(400);
    const problem = res.json() as Problem;
    const at = problem.errors.filter((e) => e.path === '/body/document/metric');
    expect(at).toHaveLength(1);
    expect(at[0]!.message).toMatch(/^must be one of: .*qualifying_spend.*orders/);
    expect(problem.errors.map((e) => e.message)).not.toContain('must be equal to constant');
    expect(problem.errors.map((e) => e.message)).not.toContain('must match a schema in anyOf');
  });

  it('name the allowed effect kinds of a rule', async () => {
    const res = await api.call(api.a.admin, {
      method: 'POST',
      url: '/v1/rules',
      payload: {
        document: { name: 'X', trigger: { types: ['purchase'] }, effects: [{ kind: 'bogus', points: 1 }] },
      },
    });
    expect(res.statusCode).toBe(400);
    const problem = res.json() as Problem;
    const kind = problem.errors.filter((e) => e.path === '/body/document/effects/0/kind');
    expect(kind).toHaveLength(1);
    expect(kind[0]!.message).toMatch(/^must be one of: .*fixed.*per_amount/);
  });
});
