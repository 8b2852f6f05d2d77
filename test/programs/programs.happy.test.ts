// The program (tenant) resource itself: GET and PATCH /v1/program, its settings and reference values.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
beforeAll(async () => {
  api = await testApi();
});

describe('GET and PATCH /v1/program', () => {
  it("answers the key's own program to a read key", async () => {
    const res = await api.call(api.a.read, { method: 'GET', url: '/v1/program' });
    expect(res.statusCode).toBe(200);
    const program = res.json();
    // test/support/app.ts creates program a as "Program A", EUR, Europe/Amsterdam.
    expect(program).toMatchObject({
      id: api.a.programId,
      name: 'Program A',
      baseCurrency: 'EUR',
      timeZone: 'Europe/Amsterdam',
    });
    expect(program.settings).toEqual({});
    const other = await api.call(api.b.read, { method: 'GET', url: '/v1/program' });
    expect(other.json().id).toBe(api.b.programId);
  });

  it('lets an admin change name, time zone and default locale, canonicalising the locale', async () => {
    const before = (await api.call(api.a.read, { method: 'GET', url: '/v1/program' })).json();
    const res = await api.call(api.a.admin, {
      method: 'PATCH',
      url: '/v1/program',
      payload: { name: '  Installer Club  ', timeZone: 'America/New_York', defaultLocale: 'NL-nl' },
    });
    expect(res.statusCode).toBe(200);
    const after = res.json();
    expect(after).toMatchObject({
      id: api.a.programId,
      name: 'Installer Club',
      timeZone: 'America/New_York',
      defaultLocale: 'nl-NL',
      baseCurrency: before.baseCurrency,
      createdAt: before.createdAt,
    });
    expect(Date.parse(after.updatedAt)).toBeGreaterThanOrEqual(Date.parse(before.updatedAt));

    const read = await api.call(api.a.read, { method: 'GET', url: '/v1/program' });
    expect(read.json()).toEqual(after);
    // Program b is untouched.
    const b = await api.call(api.b.read, { method: 'GET', url: '/v1/program' });
    expect(b.json()).toMatchObject({ name: 'Program B', timeZone: 'Europe/Amsterdam' });
  });

  // Settings are keyed by module; `ledger` is the module with program policies today.
  it('replaces the settings of a module a PATCH names, wholesale, and keeps them through other changes', async () => {
    const first = await api.call(api.a.admin, {
      method: 'PATCH',
      url: '/v1/program',
      payload: { settings: { ledger: { pooling: 'group', transfers: 'any' } } },
    });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().settings).toEqual({ ledger: { pooling: 'group', transfers: 'any' } });

    // The module's settings are replaced, not deep-merged.
    const second = await api.call(api.a.admin, {
      method: 'PATCH',
      url: '/v1/program',
      payload: { settings: { ledger: { clawback: 'write_off' } } },
    });
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json().settings).toEqual({ ledger: { clawback: 'write_off' } });

    // A PATCH that names no module keeps them all.
    for (const payload of [{ name: 'Settings Kept' }, { settings: {} }]) {
      const res = await api.call(api.a.admin, { method: 'PATCH', url: '/v1/program', payload });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().settings).toEqual({ ledger: { clawback: 'write_off' } });
    }
    const read = await api.call(api.a.read, { method: 'GET', url: '/v1/program' });
    expect(read.json().settings).toEqual({ ledger: { clawback: 'write_off' } });
  });

  it("refuses settings for a module that does not exist, or values outside a module's policy", async () => {
    const before = (await api.call(api.a.read, { method: 'GET', url: '/v1/program' })).json();
    for (const settings of [
      { noSuchModule: { on: true } },
      { ledger: { pooling: 'everyone' } },
      { ledger: 5 },
    ]) {
      const res = await api.call(api.a.admin, { method: 'PATCH', url: '/v1/program', payload: { settings } });
      expect(res.statusCode, JSON.stringify(settings)).toBe(400);
      expect(res.json().code).toBe('validation_failed');
      expect(res.json().errors[0].path).toMatch(/^\/body\/settings\//);
    }
    const after = (await api.call(api.a.read, { method: 'GET', url: '/v1/program' })).json();
    expect(after).toEqual(before);
  });

  it('refuses an unknown time zone with 400 validation_failed and changes nothing', async () => {
    const before = (await api.call(api.a.read, { method: 'GET', url: '/v1/program' })).json();
    for (const timeZone of ['Mars/Olympus_Mons', 'Europe/Amsterdamm', '+02:00']) {
      const res = await api.call(api.a.admin, {
        method: 'PATCH',
        url: '/v1/program',
        payload: { timeZone, name: 'Should not stick' },
      });
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json().code).toBe('validation_failed');
      expect(res.json().errors).toEqual([expect.objectContaining({ path: '/body/timeZone' })]);
    }
    const after = (await api.call(api.a.read, { method: 'GET', url: '/v1/program' })).json();
    expect(after).toEqual(before);
  });

  it('refuses a malformed default locale or an unknown base currency', async () => {
    const bad = [{ defaultLocale: 'not a locale!' }, { baseCurrency: 'XYZ' }];
    for (const payload of bad) {
      const res = await api.call(api.a.admin, { method: 'PATCH', url: '/v1/program', payload });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('validation_failed');
    }
  });
});
