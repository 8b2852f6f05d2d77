// Bad report requests get a 400 problem naming the query field at fault.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
beforeAll(async () => {
  api = await testApi();
});

async function problem(url: string) {
  const r = await api.call(api.a.read, { method: 'GET', url });
  expect(r.statusCode, r.body).toBe(400);
  expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
  const body = JSON.parse(r.body);
  expect(body.code).toBe('validation_failed');
  return (body.errors as Array<{ path: string }>).map((e) => e.path);
}

describe('KPI and cohort queries', () => {
  it('an unknown breakdown names breakdown', async () => {
    expect(await problem('/v1/reports/kpis?breakdown=colour')).toContain('/querystring/breakdown');
  });
  it('a period that ends before it starts names to', async () => {
    expect(await problem('/v1/reports/kpis?from=2026-03-01&to=2026-02-28')).toEqual(['/query/to']);
    expect(await problem('/v1/reports/cohorts?from=2026-03-01&to=2026-02-28')).toEqual(['/query/to']);
  });
  it('a date that does not exist names its field', async () => {
    expect(await problem('/v1/reports/kpis?from=2026-02-30&to=2026-03-01')).toEqual(['/query/from']);
    expect(await problem('/v1/reports/kpis?to=2026-13-01')).toEqual(['/query/to']);
  });
  it('a malformed date and an unknown parameter are refused', async () => {
    expect((await problem('/v1/reports/kpis?from=yesterday'))[0]).toMatch(/^\/querystring\/from/);
    expect((await problem('/v1/reports/kpis?colour=red')).length).toBeGreaterThan(0);
  });
  it('a period longer than ten years names to', async () => {
    expect(await problem('/v1/reports/kpis?from=2000-01-01&to=2026-01-01')).toEqual(['/query/to']);
  });
});
