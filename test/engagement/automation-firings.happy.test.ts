// The program's automation firings across automations (GET /v1/automation-firings, decision 0051):
// newest first, a page at a time after a keyset cursor (firings of one instant neither skipped nor
// repeated), filtered by automation, account and a range of firing instants; another program's key
// sees none of them.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';
import { type Body, type EngagementProgram, engagementProgram } from './helpers.ts';

let api: TestApi;
let p: EngagementProgram;
const contacts: Record<string, string> = {};

beforeAll(async () => {
  api = await testApi();
  p = await engagementProgram(api);
  await p.account('ACME');
  await p.account('BETA');
  for (const [account, name, birthday] of [
    ['ACME', 'Inge', '1980-03-15'],
    ['ACME', 'Olga', '1990-05-20'],
    ['BETA', 'Piet', '1975-09-01'],
  ] as const) {
    contacts[name] = (
      await p.ok(p.write, {
        method: 'POST',
        url: `/v1/accounts/${account}/contacts`,
        payload: { email: `${name.toLowerCase()}@${account.toLowerCase()}.example`, name, birthday },
      })
    ).id;
  }
  for (const [code, points] of [
    ['birthdays', 10],
    ['birthday-extra', 5],
  ] as const) {
    await p.ok(p.admin, {
      method: 'POST',
      url: '/v1/automations',
      payload: {
        code,
        name: code,
        trigger: { kind: 'birthday' },
        effect: { points },
        startsAt: '2026-01-01T00:00:00Z',
      },
    });
  }
  // Each birthday fires both automations in the same run.
  for (const asOf of ['2026-03-15T10:00:00Z', '2026-05-20T10:00:00Z', '2026-09-01T10:00:00Z'])
    expect(await p.due(asOf)).toMatchObject({ fired: 2 });
});

const list = async (query = ''): Promise<Body> =>
  p.ok(p.read, { method: 'GET', url: `/v1/automation-firings${query}` });
const keyOf = (f: Body) => `${f.automation}:${f.subjectId}:${f.occurrence}`;

describe('the firings across automations', () => {
  it('lists every firing newest first, of every automation, each as the per-automation list has it', async () => {
    const all = await list();
    expect(all.nextCursor).toBeNull();
    expect(all.data.map((f: Body) => [f.automation, f.contactId])).toEqual([
      ['birthday-extra', contacts.Piet],
      ['birthdays', contacts.Piet],
      ['birthday-extra', contacts.Olga],
      ['birthdays', contacts.Olga],
      ['birthday-extra', contacts.Inge],
      ['birthdays', contacts.Inge],
    ]);
    const firedAt = all.data.map((f: Body) => Date.parse(f.firedAt));
    expect([...firedAt].sort((a, b) => b - a)).toEqual(firedAt);
    const own = await p.ok(p.read, { method: 'GET', url: '/v1/automations/birthdays/firings' });
    expect(all.data.filter((f: Body) => f.automation === 'birthdays')).toEqual(own.data);
  });

  it('pages after a keyset cursor: two firings of one instant split across pages, none skipped or repeated', async () => {
    const all = (await list()).data.map(keyOf);
    for (const limit of [1, 3, 4]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Body = await list(
          `?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        expect(page.data.length).toBeLessThanOrEqual(limit);
        seen.push(...page.data.map(keyOf));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual(all);
    }
  });

  it('filters by automation, by account (id or CRM id) and by a range of firing instants', async () => {
    const extra = (await list('?automation=birthday-extra')).data;
    expect(extra.map((f: Body) => f.contactId)).toEqual([contacts.Piet, contacts.Olga, contacts.Inge]);
    expect(extra.every((f: Body) => f.automation === 'birthday-extra' && f.points === 5)).toBe(true);

    const beta = (await list('?account=BETA')).data;
    expect(beta.map((f: Body) => f.contactId)).toEqual([contacts.Piet, contacts.Piet]);
    const betaId = beta[0].accountId;
    expect((await list(`?account=${betaId}&automation=birthdays`)).data).toHaveLength(1);

    // [since, until): the May run, and from it on.
    const may = (await list('?since=2026-05-01T00:00:00Z&until=2026-09-01T10:00:00Z')).data;
    expect(may.map((f: Body) => f.contactId)).toEqual([contacts.Olga, contacts.Olga]);
    expect((await list('?since=2026-05-20T10:00:00Z')).data).toHaveLength(4);
    expect((await list('?until=2026-03-15T10:00:00Z')).data).toEqual([]);
  });

  it("shows another program's key none of them, and refuses its filters on this program's automations", async () => {
    const other = await engagementProgram(api);
    expect((await other.ok(other.admin, { method: 'GET', url: '/v1/automation-firings' })).data).toEqual([]);
    const named = await other.send(other.admin, {
      method: 'GET',
      url: '/v1/automation-firings?automation=birthdays',
    });
    expect(named.statusCode).toBe(404);
    expect(named.json().code).toBe('automation_not_found');
    const account = await other.send(other.admin, {
      method: 'GET',
      url: `/v1/automation-firings?account=${(await list()).data[0].accountId}`,
    });
    expect(account.statusCode).toBe(404);
    expect(account.json().code).toBe('account_not_found');
    // A cursor of this program's list continues nothing there.
    const cursor = (await list('?limit=1')).nextCursor;
    const page = await other.ok(other.read, {
      method: 'GET',
      url: `/v1/automation-firings?cursor=${encodeURIComponent(cursor)}`,
    });
    expect(page.data).toEqual([]);
  });
});
