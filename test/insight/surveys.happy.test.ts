// NPS surveys end to end: signed links answered without a key (once), API answers, translations,
// anonymous answers that keep no contact, survey.completed events rewarded whatever the score, and
// NPS totals, months and per account recomputed here from the scores the test sent.
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectRows } from '../../src/db/client.ts';
import { json, newProgram, type Program } from '../events/helpers.ts';
import { type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
let p: Program;
let other: Program;
const contacts: Record<string, string> = {};
let survey: string;
let links: Record<string, string>;

async function contact(program: Program, account: string, email: string) {
  const r = await program.send(program.write, {
    method: 'POST',
    url: `/v1/accounts/${account}/contacts`,
    payload: { email, name: email, role: 'buyer' },
  });
  expect(r.statusCode, r.body).toBe(201);
  return json(r).id as string;
}

const publicCall = (method: 'GET' | 'POST', token: string, payload?: object, query = '') =>
  api.app.inject({ method, url: `/surveys/${token}${query}`, ...(payload && { payload }) });

const answersIn = async (programId: string) =>
  selectRows<{ survey_id: string; account_id: string | null; contact_id: string | null; score: number }>(
    api.database.db,
    sql`select survey_id, account_id, contact_id, score from survey_answers where program_id = ${programId} order by id`,
  );

beforeAll(async () => {
  api = await testApi();
  p = await newProgram(api);
  other = await newProgram(api);
  await p.rule({
    name: 'Thanks for answering',
    trigger: { types: ['survey.completed'] },
    effects: [{ kind: 'fixed', points: 250 }],
  });
  for (const a of ['ACME', 'BETA', 'GAMMA']) await p.account(a);
  await other.account('ACME');
  contacts.c1 = await contact(p, 'ACME', 'c1@acme.example');
  contacts.c2 = await contact(p, 'ACME', 'c2@acme.example');
  contacts.c3 = await contact(p, 'BETA', 'c3@beta.example');
  contacts.c4 = await contact(p, 'GAMMA', 'c4@gamma.example');
  contacts.o1 = await contact(other, 'ACME', 'o1@other.example');
  const s = await p.send(p.admin, {
    method: 'POST',
    url: '/v1/surveys',
    payload: {
      name: 'NPS 2026',
      question: {
        default: 'How likely are you to recommend us to a colleague?',
        nl: 'Hoe waarschijnlijk beveelt u ons aan?',
      },
    },
  });
  expect(s.statusCode, s.body).toBe(201);
  survey = json(s).id;
  const l = await p.send(p.write, {
    method: 'POST',
    url: `/v1/surveys/${survey}/links`,
    payload: { contacts: [contacts.c1, contacts.c2, contacts.c3] },
  });
  expect(l.statusCode, l.body).toBe(200);
  links = Object.fromEntries(
    json(l).data.map((x: { contactId: string; token: string }) => [x.contactId, x.token]),
  );
});

describe('answering through a signed link', () => {
  it('shows the question in the asked language, then takes one answer without a key', async () => {
    const view = await publicCall('GET', links[contacts.c1!]!, undefined, '?locale=nl-BE');
    expect(view.statusCode, view.body).toBe(200);
    expect(json(view)).toMatchObject({ question: 'Hoe waarschijnlijk beveelt u ons aan?', answered: false });
    const answered = await publicCall('POST', links[contacts.c1!]!, { score: 10 });
    expect(answered.statusCode, answered.body).toBe(201);
    expect(json(answered)).toMatchObject({ score: 10, category: 'promoter', anonymous: false });
    expect(json(answered).eventId).toMatch(/^evt_/);
    expect(json(await publicCall('GET', links[contacts.c1!]!)).answered).toBe(true);
  });

  it('cannot be used twice', async () => {
    const again = await publicCall('POST', links[contacts.c1!]!, { score: 0 });
    expect(again.statusCode).toBe(409);
    expect(json(again).code).toBe('survey_already_answered');
    expect((await answersIn(p.id)).map((a) => a.score)).toEqual([10]);
  });

  it('cannot be forged: an altered signature, payload or program is refused', async () => {
    const [surveyId, contactId, signature] = links[contacts.c2!]!.split('.') as [string, string, string];
    const flipped = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    // Another program's survey with a contact of it, under this link's signature.
    const s = await other.send(other.admin, {
      method: 'POST',
      url: '/v1/surveys',
      payload: { name: 'Theirs', question: { default: 'Recommend?' } },
    });
    for (const token of [
      `${surveyId}.${contactId}.${flipped}`,
      `${surveyId}.${contacts.c4}.${signature}`, // another contact of the program
      `${json(s).id}.${contacts.o1}.${signature}`, // aimed at another program
      `${json(s).id}.${contactId}.${signature}`,
      'not-a-token-at-all',
    ]) {
      const r = await publicCall('POST', token, { score: 9 });
      expect(r.statusCode, token).toBe(404);
      expect(json(r).code).toBe('survey_link_invalid');
    }
    expect(await answersIn(p.id)).toHaveLength(1);
    expect(await answersIn(other.id)).toHaveLength(0);
  });

  it('an answer of 11 is a 400 naming score, and writes nothing', async () => {
    const r = await publicCall('POST', links[contacts.c2!]!, { score: 11 });
    expect(r.statusCode).toBe(400);
    expect(json(r).errors[0].path).toBe('/body/score');
    expect(await answersIn(p.id)).toHaveLength(1);
  });
});

describe('answering through the API, and the NPS', () => {
  it('takes answers with the key, once per contact, and rewards each whatever the score', async () => {
    const c2 = await publicCall('POST', links[contacts.c2!]!, { score: 3, comment: 'Deliveries are late' });
    expect(c2.statusCode, c2.body).toBe(201);
    const c3 = await p.send(p.write, {
      method: 'POST',
      url: `/v1/surveys/${survey}/answers`,
      payload: { contact: contacts.c3, score: 9 },
    });
    expect(c3.statusCode, c3.body).toBe(201);
    const twice = await p.send(p.write, {
      method: 'POST',
      url: `/v1/surveys/${survey}/answers`,
      payload: { contact: contacts.c3, score: 2 },
    });
    expect(json(twice).code).toBe('survey_already_answered');
    // 250 points per answer: ACME's two contacts (a promoter and a detractor alike), BETA's one.
    expect((await p.wallet('ACME', 'points'))?.net).toBe(500);
    expect((await p.wallet('BETA', 'points'))?.net).toBe(250);
  });

  it('NPS = % promoters − % detractors, in total, per month and per account', async () => {
    const rows = await answersIn(p.id);
    const nps = (scores: number[]) => {
      const pro = scores.filter((s) => s >= 9).length;
      const det = scores.filter((s) => s <= 6).length;
      return Math.round(((pro - det) / scores.length) * 1000) / 10;
    };
    const r = await p.send(p.read, { method: 'GET', url: `/v1/reports/nps?survey=${survey}` });
    expect(r.statusCode, r.body).toBe(200);
    const report = json(r);
    expect(report).toMatchObject({
      answers: 3,
      promoters: 2,
      passives: 0,
      detractors: 1,
      nps: nps(rows.map((x) => x.score)),
    });
    expect(report.nps).toBe(33.3);
    const byAccount = Object.fromEntries(
      report.accounts.map((a: { accountId: string; nps: number }) => [a.accountId, a.nps]),
    );
    const accountOf = (c: string) => rows.find((x) => x.contact_id === c)!.account_id!;
    expect(byAccount[accountOf(contacts.c1!)]).toBe(nps([10, 3]));
    expect(byAccount[accountOf(contacts.c3!)]).toBe(100);
    expect(report.months).toHaveLength(1);
    const d = await p.send(p.read, { method: 'GET', url: `/v1/surveys/${survey}/detractors` });
    expect(json(d).data).toMatchObject([
      { contactId: contacts.c2, score: 3, comment: 'Deliveries are late' },
    ]);
  });
});

describe('NPS × CLV', () => {
  it("puts each answering account's average score beside its historical CLV against the customers' median", async () => {
    const orders = { ACME: '300.00', BETA: '100.00', GAMMA: '200.00' } as Record<string, string>;
    for (const [account, amount] of Object.entries(orders))
      await p.ingested({
        id: `clv-${account}`,
        type: 'purchase',
        account,
        occurredAt: new Date(Date.now() - 86_400_000).toISOString(),
        amount,
        currency: 'EUR',
      });
    const rows = await answersIn(p.id);
    const ids = new Map(rows.map((x) => [x.contact_id, x.account_id]));
    const acme = ids.get(contacts.c1!)!;
    const beta = ids.get(contacts.c3!)!;
    // Computed here: ACME's contacts answered 10 and 3 (average 6.5: a detractor), BETA's 9 (a promoter);
    // the customers' CLVs are 300, 100 and 200, so the median is 200.
    const r = await p.send(p.read, { method: 'GET', url: `/v1/reports/nps-value?survey=${survey}` });
    expect(r.statusCode, r.body).toBe(200);
    const body = json(r);
    expect(body.medianClv).toBe('200.00');
    expect(body.accounts).toEqual([
      { accountId: acme, answers: 2, averageScore: 6.5, category: 'detractor', clv: '300.00', highClv: true },
      { accountId: beta, answers: 1, averageScore: 9, category: 'promoter', clv: '100.00', highClv: false },
    ]);
    const quadrant = (category: string, clv: string) =>
      body.quadrants.find((q: { category: string; clv: string }) => q.category === category && q.clv === clv);
    expect(quadrant('detractor', 'high')).toEqual({
      category: 'detractor',
      clv: 'high',
      accounts: 1,
      clvTotal: '300.00',
    });
    expect(quadrant('promoter', 'low')).toMatchObject({ accounts: 1, clvTotal: '100.00' });
    expect(quadrant('promoter', 'high')).toMatchObject({ accounts: 0 });
    const filtered = await p.send(p.read, {
      method: 'GET',
      url: '/v1/reports/nps-value?category=promoter&clv=high',
    });
    expect(json(filtered).accounts).toEqual([]);
    const bad = await p.send(p.read, { method: 'GET', url: '/v1/reports/nps-value?clv=huge' });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(json(bad).errors)).toContain('/querystring/clv');
  });
});

describe('CSAT and custom questions', () => {
  const QUESTIONS = [
    {
      key: 'delivery',
      kind: 'csat',
      label: { default: 'How satisfied are you with our deliveries?', pl: 'Jak oceniasz nasze dostawy?' },
      required: true,
    },
    {
      key: 'channel',
      kind: 'choice',
      label: { default: 'How do you order?' },
      options: [
        { value: 'web', label: { default: 'Web shop', pl: 'Sklep internetowy' } },
        { value: 'rep', label: { default: 'Sales rep' } },
      ],
    },
    { key: 'better', kind: 'text', label: { default: 'What should we do better?' } },
  ];
  let csat: string;
  const people: Record<string, string> = {};

  beforeAll(async () => {
    const s = await p.send(p.admin, {
      method: 'POST',
      url: '/v1/surveys',
      payload: { name: 'Service 2026', question: { default: 'Recommend us?' }, questions: QUESTIONS },
    });
    expect(s.statusCode, s.body).toBe(201);
    csat = json(s).id;
    expect(json(s).questions).toEqual(QUESTIONS);
    for (const n of [1, 2, 3, 4]) people[`q${n}`] = await contact(p, 'GAMMA', `q${n}@gamma.example`);
  });

  it('a link shows the questions in the asked language and takes the responses with the score', async () => {
    const l = await p.send(p.write, {
      method: 'POST',
      url: `/v1/surveys/${csat}/links`,
      payload: { contacts: [people.q1] },
    });
    const token = json(l).data[0].token as string;
    const view = json(await publicCall('GET', token, undefined, '?locale=pl-PL'));
    expect(view.questions[0]).toEqual({
      key: 'delivery',
      kind: 'csat',
      label: 'Jak oceniasz nasze dostawy?',
      required: true,
      options: [],
    });
    expect(view.questions[1].options).toEqual([
      { value: 'web', label: 'Sklep internetowy' },
      { value: 'rep', label: 'Sales rep' },
    ]);
    const r = await publicCall('POST', token, {
      score: 9,
      responses: { delivery: 5, channel: 'web', better: 'Earlier slots' },
    });
    expect(r.statusCode, r.body).toBe(201);
  });

  it('responses that do not fit are refused at their field, and write nothing', async () => {
    const before = await answersIn(p.id);
    const pointsBefore = (await p.wallet('GAMMA', 'points'))?.net;
    const send = (payload: object) =>
      p.send(p.write, {
        method: 'POST',
        url: `/v1/surveys/${csat}/answers`,
        payload: { contact: people.q2, ...payload },
      });
    const missing = await send({ score: 7, responses: { channel: 'rep' } });
    expect(missing.statusCode).toBe(400);
    expect(json(missing).errors).toEqual([{ path: '/body/responses/delivery', message: 'required' }]);
    const wrong = await send({ score: 7, responses: { delivery: 4, channel: 'fax', nope: 'x' } });
    expect(wrong.statusCode).toBe(400);
    expect(
      json(wrong)
        .errors.map((e: { path: string }) => e.path)
        .sort(),
    ).toEqual(['/body/responses/channel', '/body/responses/nope']);
    expect(await answersIn(p.id)).toEqual(before);
    expect((await p.wallet('GAMMA', 'points'))?.net).toBe(pointsBefore);
    const duplicate = await p.send(p.admin, {
      method: 'POST',
      url: '/v1/surveys',
      payload: {
        name: 'Bad',
        question: { default: 'x' },
        questions: [QUESTIONS[0], { ...QUESTIONS[0], kind: 'scale' }],
      },
    });
    expect(duplicate.statusCode).toBe(400);
    expect(json(duplicate).errors[0].path).toBe('/body/questions/1/key');
  });

  it("results: CSAT is the share of 4 and 5, each choice counted, beside the survey's NPS", async () => {
    const sent = [
      { contact: people.q2, score: 6, responses: { delivery: 2, channel: 'rep' } },
      { contact: people.q3, score: 10, responses: { delivery: 4 } },
      { contact: people.q4, score: 8, responses: { delivery: 3, channel: 'web' } },
    ];
    for (const payload of sent) {
      const r = await p.send(p.write, { method: 'POST', url: `/v1/surveys/${csat}/answers`, payload });
      expect(r.statusCode, r.body).toBe(201);
    }
    // With the link's answer: delivery 5, 2, 4, 3 → satisfied 2 of 4 = 50%; channel web 2, rep 1.
    const r = await p.send(p.read, { method: 'GET', url: `/v1/surveys/${csat}/results` });
    expect(r.statusCode, r.body).toBe(200);
    const body = json(r);
    expect(body).toMatchObject({ answers: 4, promoters: 2, passives: 1, detractors: 1, nps: 25 });
    expect(body.questions[0]).toMatchObject({
      key: 'delivery',
      answers: 4,
      satisfied: 2,
      csat: 50,
      average: 3.5,
    });
    expect(body.questions[1].distribution).toEqual([
      { value: 'web', count: 2 },
      { value: 'rep', count: 1 },
    ]);
    expect(body.questions[2]).toMatchObject({ key: 'better', kind: 'text', answers: 1 });
    const exported = await p.send(p.read, { method: 'GET', url: '/v1/exports/survey-answers' });
    expect(exported.body).toContain('""delivery"":5');
  });
});

describe('anonymous surveys', () => {
  it('keep no contact or account with the answer, and still count once per contact', async () => {
    const s = await p.send(p.admin, {
      method: 'POST',
      url: '/v1/surveys',
      payload: { name: 'Anonymous pulse', question: { default: 'Recommend us?' }, anonymous: true },
    });
    const id = json(s).id;
    const first = await p.send(p.write, {
      method: 'POST',
      url: `/v1/surveys/${id}/answers`,
      payload: { contact: contacts.c4, score: 5 },
    });
    expect(first.statusCode, first.body).toBe(201);
    const second = await p.send(p.write, {
      method: 'POST',
      url: `/v1/surveys/${id}/answers`,
      payload: { contact: contacts.c4, score: 10 },
    });
    expect(json(second).code).toBe('survey_already_answered');
    const stored = (await answersIn(p.id)).filter((a) => a.survey_id === id);
    expect(stored).toEqual([{ survey_id: id, account_id: null, contact_id: null, score: 5 }]);
    const [raw] = await selectRows<Record<string, unknown>>(
      api.database.db,
      sql`select * from survey_answers where survey_id = ${id}`,
    );
    expect(JSON.stringify(raw)).not.toContain(contacts.c4);
    const d = await p.send(p.read, { method: 'GET', url: `/v1/surveys/${id}/detractors` });
    expect(json(d).data).toEqual([]);
    const report = json(await p.send(p.read, { method: 'GET', url: `/v1/reports/nps?survey=${id}` }));
    expect(report).toMatchObject({ answers: 1, detractors: 1, nps: -100, accounts: [] });
  });
});

describe('another program', () => {
  it("cannot read, link or answer this program's survey", async () => {
    for (const [method, url, payload] of [
      ['GET', `/v1/surveys/${survey}`, undefined],
      ['POST', `/v1/surveys/${survey}/links`, { contacts: [contacts.o1] }],
      ['POST', `/v1/surveys/${survey}/answers`, { contact: contacts.o1, score: 9 }],
      ['GET', `/v1/surveys/${survey}/detractors`, undefined],
    ] as const) {
      const r = await other.send(other.admin, { method, url, ...(payload && { payload }) });
      expect(r.statusCode, url).toBe(404);
      expect(json(r).code).toBe('survey_not_found');
    }
    const theirs = json(await other.send(other.read, { method: 'GET', url: '/v1/surveys' })).data;
    expect(theirs.map((x: { name: string }) => x.name)).toEqual(['Theirs']);
  });
});
