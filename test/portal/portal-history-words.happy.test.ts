// The member's history in the member's language (issue 17): a lifecycle automation's line ("Happy
// birthday, Inge — 2026") is written in the contact's language, or the one the portal asks for, with
// the words statements use for the five languages; other lines, and the ledger's own API, as written.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';
import { asMember, json, type MemberSession, memberOf, signIn } from './portal-fixture.ts';

let api: TestApi;
let session: MemberSession;
let accountId: string;

beforeAll(async () => {
  api = await testApi();
  const { a } = api;
  const call = async (key: string, method: 'POST' | 'PATCH', url: string, payload: object) => {
    const r = await api.call(key, { method, url, payload });
    expect(r.statusCode, `${url}: ${r.body}`).toBeLessThan(300);
    return json(r);
  };
  await call(a.admin, 'PATCH', '/v1/program', { settings: { portal: { slug: 'words' } } });
  ({ accountId } = await memberOf(api, a.write, a.programId, 'WORDS-1', 100));
  // A Polish contact whose birthday the due run of 15 March 2026 celebrates.
  const inge = await call(a.write, 'POST', '/v1/accounts/WORDS-1/contacts', {
    email: 'inge@words.test',
    name: 'Inge de Vries',
    locale: 'pl-PL',
    birthday: '1980-03-15',
  });
  await call(a.admin, 'POST', '/v1/automations', {
    code: 'birthdays',
    name: 'Birthday bonus',
    trigger: { kind: 'birthday' },
    effect: { points: 50 },
    startsAt: '2026-01-01T00:00:00Z',
  });
  const due = await api.call(a.admin, {
    method: 'POST',
    url: '/v1/engagement/due-runs',
    payload: { asOf: '2026-03-15T10:00:00Z' },
  });
  expect(json(due).fired, due.body).toBe(1);
  session = await signIn(api, a.write, 'words', inge.id);
});

const explanations = async (query = '') =>
  json(await asMember(api, session, { url: `/portal/api/history${query}` })).data.map(
    (l: { explanation: string }) => l.explanation,
  );

describe("the member's history", () => {
  it("writes an automation's line in the contact's language; other lines as written", async () => {
    expect(await explanations()).toEqual([
      'Wszystkiego najlepszego z okazji urodzin, Inge — 2026',
      'Welcome bonus',
    ]);
  });

  it('in the language the portal asks for, English as the ledger has it', async () => {
    expect(await explanations('?locale=th-TH')).toEqual(['สุขสันต์วันเกิด Inge — 2026', 'Welcome bonus']);
    expect(await explanations('?locale=id')).toEqual(['Selamat ulang tahun, Inge — 2026', 'Welcome bonus']);
    expect(await explanations('?locale=en-GB')).toEqual(['Happy birthday, Inge — 2026', 'Welcome bonus']);
    // A language without words falls back to the contact's.
    expect((await explanations('?locale=nl'))[0]).toBe(
      'Wszystkiego najlepszego z okazji urodzin, Inge — 2026',
    );
  });

  it("leaves the ledger's own line as written", async () => {
    const r = await api.call(api.a.read, {
      method: 'GET',
      url: `/v1/accounts/${accountId}/wallets/points/history`,
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(json(r).data.map((l: { explanation: string }) => l.explanation)).toEqual([
      'Happy birthday, Inge — 2026',
      'Welcome bonus',
    ]);
  });
});
