// Per-key request limits (settings.keys.requestsPerMinute): past the limit a key gets 429
// rate_limited with Retry-After, each key counts on its own, and other programs are not touched.
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE } from '../support/actor.ts';
import { type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
let slow: { first: string; second: string };

beforeAll(async () => {
  api = await testApi();
  const program = await api.services.programs.create(
    {
      name: 'Throttled',
      baseCurrency: 'EUR',
      settings: { keys: { requestsPerMinute: 3 } },
    },
    FIXTURE,
  );
  slow = {
    first: (await api.services.keys.create(program.id, 'one', ['read'], FIXTURE)).secret,
    second: (await api.services.keys.create(program.id, 'two', ['read'], FIXTURE)).secret,
  };
});

describe('rate limits', () => {
  it('answer 429 rate_limited with Retry-After past the limit, and say what is left on every answer', async () => {
    const answers = [];
    for (let i = 0; i < 4; i++)
      answers.push(await api.call(slow.first, { method: 'GET', url: '/v1/program' }));
    expect(answers.slice(0, 3).map((r) => r.statusCode)).toEqual([200, 200, 200]);
    expect(answers[0]!.headers['ratelimit-limit']).toBe('3');
    expect(answers[2]!.headers['ratelimit-remaining']).toBe('0');
    const refused = answers[3]!;
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.json().code).toBe('rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('count each key on its own, and leave other programs alone', async () => {
    expect((await api.call(slow.second, { method: 'GET', url: '/v1/program' })).statusCode).toBe(200);
    for (let i = 0; i < 5; i++)
      expect((await api.call(api.a.read, { method: 'GET', url: '/v1/program' })).statusCode).toBe(200);
  });

  it('refuse a limit that is not a positive whole number', async () => {
    const res = await api.call(api.a.admin, {
      method: 'PATCH',
      url: '/v1/program',
      payload: { settings: { keys: { requestsPerMinute: 0 } } },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].path).toBe('/body/settings/keys/requestsPerMinute');
  });
});
