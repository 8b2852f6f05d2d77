// E-mail notices and statements end to end with a real SMTP server in the test process: which
// messages are mailed to which contacts (program settings), in the contact's language (Persian right
// to left), opt-outs honoured, retries by the job queue, statements that reconcile with the ledger,
// and a due run that schedules a month's statements once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApi } from '../support/app.ts';
import { recipients, startMailbox } from './smtp.ts';

const mailbox = await startMailbox();

const n = (locale: string, x: number) => new Intl.NumberFormat(locale).format(x);

describe('e-mail notifications', async () => {
  const api = await testApi({
    jobs: { pollingIntervalSeconds: 0.5 },
    notifications: {
      smtpUrl: mailbox.url,
      from: 'points@fidelis.test',
      dispatchIntervalMs: 100,
      // A short back-off for the test: 1 s between attempts.
      policy: { retryLimit: 3, retryDelay: 1, retryBackoff: false, expireInSeconds: 30 },
    },
  });
  const { services } = api;
  afterAll(async () => {
    await services.notifications.stop();
    await services.jobs.stop();
  });

  const contacts: Record<string, string> = {};
  const credit = async (amount: number, extra: Record<string, unknown> = {}) => {
    const r = await api.call(api.a.write, {
      method: 'POST',
      url: '/v1/ledger/credits',
      headers: { 'idempotency-key': `credit-${amount}-${JSON.stringify(extra)}` },
      payload: { account: 'ACME', amount, reasonCode: 'bonus', explanation: 'test', ...extra },
    });
    expect(r.statusCode, r.body).toBe(201);
    return r.json();
  };

  beforeAll(async () => {
    const settings = await api.call(api.a.admin, {
      method: 'PATCH',
      url: '/v1/program',
      payload: {
        settings: {
          notifications: {
            senderName: 'Acme Rewards',
            mail: { 'points.credited': ['owner', 'admin'], 'points.expiring_soon': ['owner'] },
            expiringWithinDays: 10,
          },
        },
      },
    });
    expect(settings.statusCode, settings.body).toBe(200);
    const account = await api.call(api.a.write, {
      method: 'POST',
      url: '/v1/accounts',
      payload: { externalId: 'ACME', name: 'Acme Trading' },
    });
    expect(account.statusCode, account.body).toBe(201);
    for (const [key, c] of Object.entries({
      ola: { email: 'ola@acme.test', name: 'Ola', role: 'owner', locale: 'pl-PL', statementOptIn: true },
      dara: { email: 'dara@acme.test', role: 'admin', locale: 'fa', statementOptIn: true },
      bob: { email: 'bob@acme.test', role: 'buyer', locale: 'en', statementOptIn: false },
      eve: { email: 'eve@acme.test', role: 'owner', locale: 'th', statementOptIn: true },
    })) {
      const r = await api.call(api.a.write, {
        method: 'POST',
        url: '/v1/accounts/ACME/contacts',
        payload: c,
      });
      expect(r.statusCode, r.body).toBe(201);
      contacts[key] = r.json().id;
    }
    const out = await api.call(api.a.write, {
      method: 'PUT',
      url: `/v1/contacts/${contacts.eve}/notification-opt-out`,
    });
    expect(out.statusCode, out.body).toBe(200);
    expect(out.json()).toEqual({ contactId: contacts.eve, optedOut: true });
    await services.notifications.start();
    await services.jobs.start();
  });

  it('mails a credit to the roles the program names, once each, in their language', async () => {
    await credit(1500);
    await mailbox.waitFor(
      () => mailbox.to('ola@acme.test').length + mailbox.to('dara@acme.test').length >= 2,
    );
    // Let a duplicate or a mail to someone else show up if there were one.
    await new Promise((r) => setTimeout(r, 1_500));
    const ola = mailbox.to('ola@acme.test');
    const dara = mailbox.to('dara@acme.test');
    expect(ola).toHaveLength(1);
    expect(dara).toHaveLength(1);
    expect(mailbox.to('bob@acme.test')).toHaveLength(0); // a buyer: not configured
    expect(mailbox.to('eve@acme.test')).toHaveLength(0); // opted out
    expect(ola[0]!.subject).toBe(`Dodano ${n('pl', 1500)} points`);
    expect(ola[0]!.from?.value[0]).toEqual({ name: 'Acme Rewards', address: 'points@fidelis.test' });
    expect(ola[0]!.html).toContain('<html lang="pl" dir="ltr">');
    expect(ola[0]!.text).toContain(`Na Twoje konto dodano ${n('pl', 1500)} points.`);
    expect(dara[0]!.subject).toBe(`${n('fa', 1500)} points واریز شد`);
    expect(dara[0]!.html).toContain('<html lang="fa" dir="rtl">');
    expect(n('fa', 1500)).not.toBe('1500'); // Persian digits

    const mails = await api.call(api.a.read, { method: 'GET', url: '/v1/notifications/mails?state=sent' });
    expect(mails.statusCode, mails.body).toBe(200);
    const sent = mails.json().data as Array<Record<string, unknown>>;
    expect(sent.map((m) => m.to).sort()).toEqual(['dara@acme.test', 'ola@acme.test']);
    expect(sent.every((m) => m.kind === 'points.credited' && m.attempts === 1)).toBe(true);
    const jobs = await api.call(api.a.read, { method: 'GET', url: '/v1/jobs?queue=notification-mail' });
    expect(jobs.json().data.map((j: { state: string }) => j.state)).toEqual(['completed', 'completed']);
  });

  it('retries a mail the SMTP server refuses, through the job queue', async () => {
    const before = mailbox.received.length;
    mailbox.failNext(1);
    await credit(70);
    await mailbox.waitFor(() => mailbox.received.length >= before + 2);
    const list = await api.call(api.a.read, {
      method: 'GET',
      url: '/v1/notifications/mails?kind=points.credited&state=sent',
    });
    // The newest two: the credit of 70 to Ola and Dara.
    const attempts = (list.json().data as Array<{ attempts: number }>)
      .slice(0, 2)
      .map((m) => m.attempts)
      .sort();
    expect(attempts).toEqual([1, 2]);
    const jobs = await api.call(api.a.read, { method: 'GET', url: '/v1/jobs?queue=notification-mail' });
    expect(jobs.json().data.some((j: { attempts: number }) => j.attempts === 2)).toBe(true);
  });

  it('sends nothing to a contact who opted out since, and mails again after the opt-out is lifted', async () => {
    const back = await api.call(api.a.write, {
      method: 'DELETE',
      url: `/v1/contacts/${contacts.eve}/notification-opt-out`,
    });
    expect(back.json()).toEqual({ contactId: contacts.eve, optedOut: false });
    await credit(33);
    await mailbox.waitFor(() => mailbox.to('eve@acme.test').length === 1);
    expect(mailbox.to('eve@acme.test')[0]!.subject).toBe('ได้รับ 33 points');
    const audit = await api.call(api.a.admin, {
      method: 'GET',
      url: `/v1/audit?resourceType=contact&resourceId=${contacts.eve}`,
    });
    expect(audit.json().data.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['notification_opt_out.create', 'notification_opt_out.delete']),
    );
  });

  it('announces points expiring soon once per lot, as a message and an e-mail', async () => {
    const soon = new Date(Date.now() + 5 * 86_400_000).toISOString();
    await credit(90, { expiresAt: soon });
    const run = async () => {
      const r = await api.call(api.a.admin, {
        method: 'POST',
        url: '/v1/notifications/due-runs',
        payload: {},
      });
      expect(r.statusCode, r.body).toBe(200);
      return r.json();
    };
    const first = await run();
    expect(first.expiringSoon).toBe(1);
    expect((await run()).expiringSoon).toBe(0);
    await mailbox.waitFor(() => mailbox.to('ola@acme.test').some((m) => m.subject?.includes('wygaśnie')));
    const notice = mailbox.to('ola@acme.test').filter((m) => m.subject?.includes('wygaśnie'));
    expect(notice).toHaveLength(1);
    const date = new Intl.DateTimeFormat('pl', { dateStyle: 'long', timeZone: 'Europe/Amsterdam' }).format(
      new Date(soon),
    );
    expect(notice[0]!.subject).toBe(`90 points wygaśnie ${date}`);
    // The admin is not configured for this type.
    expect(mailbox.to('dara@acme.test').some((m) => m.subject?.includes('منقضی'))).toBe(false);
  });

  it("computes an ended month's statement from the ledger, reconciling with the balance", async () => {
    // The rest of the account's history is in the current month; October is set up here.
    await credit(1000, { effectiveAt: '2026-09-10T10:00:00Z', expiresAt: null });
    await credit(400, { effectiveAt: '2026-10-05T10:00:00Z', expiresAt: '2026-10-20T00:00:00Z' });
    await credit(250, { effectiveAt: '2026-10-12T10:00:00Z', expiresAt: '2026-11-05T00:00:00Z' });
    const due = await api.call(api.a.admin, { method: 'POST', url: '/v1/ledger/due-runs', payload: {} });
    expect(due.statusCode, due.body).toBe(200);

    const r = await api.call(api.a.read, { method: 'GET', url: '/v1/accounts/ACME/statements/2026-10' });
    expect(r.statusCode, r.body).toBe(200);
    const s = r.json();
    expect(s.period).toBe('2026-10');
    expect(s.start).toBe('2026-09-30T22:00:00.000Z'); // Amsterdam midnight
    expect(s.lines).toEqual([
      // 250 expires 5 November: within 10 days of the period's end, and in November.
      {
        unit: 'points',
        opening: 1000,
        earned: 650,
        earnedByReason: [{ reason: 'bonus', amount: 650 }],
        adjusted: 0,
        redeemed: 0,
        expired: 400,
        other: 0,
        otherByType: [],
        closing: 1250,
        expiringSoon: 250,
        expiringNext: [
          { period: '2026-11', amount: 250 },
          { period: '2026-12', amount: 0 },
          { period: '2027-01', amount: 0 },
        ],
      },
    ]);
    const line = s.lines[0];
    const november = await api.call(api.a.read, {
      method: 'GET',
      url: '/v1/accounts/ACME/statements/2026-11',
    });
    expect(november.json().lines).toMatchObject([
      { unit: 'points', opening: 1250, earned: 0, redeemed: 0, expired: 250, closing: 1000, expiringSoon: 0 },
    ]);
    expect(line.opening + line.earned - line.redeemed - line.expired).toBe(line.closing);
    const balanceAt = async (asOf: string) => {
      const b = await api.call(api.a.read, {
        method: 'GET',
        url: `/v1/accounts/ACME/wallets/points/balance?asOf=${asOf}`,
      });
      expect(b.statusCode, b.body).toBe(200);
      return b.json().balance as number;
    };
    expect(line.opening).toBe(await balanceAt(s.start));
    expect(line.closing).toBe(await balanceAt(new Date(Date.parse(s.end) - 1).toISOString()));

    // The current month: everything else, and a debit; its closing is the balance now.
    const debit = await api.call(api.a.write, {
      method: 'POST',
      url: '/v1/ledger/debits',
      headers: { 'idempotency-key': 'debit-1' },
      payload: { account: 'ACME', amount: 120, type: 'redeem', reasonCode: 'gift', explanation: 'gift' },
    });
    expect(debit.statusCode, debit.body).toBe(201);
    const now = new Date();
    const period = `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
    const { figures } = await services.notifications.statement(
      api.a.programId,
      'ACME',
      period,
      new Date(now.getTime() + 40 * 86_400_000),
    );
    const balance = await balanceAt(new Date().toISOString());
    const [cur] = figures.lines;
    expect(cur!.redeemed).toBe(120);
    expect(cur!.opening).toBe(1000); // October's 1250 less the 250 that expired on 5 November
    expect(cur!.earned).toBe(1500 + 70 + 33 + 90);
    expect(cur!.expired).toBe(0);
    expect(cur!.closing).toBe(balance);
    expect(cur!.opening + cur!.earned - cur!.redeemed - cur!.expired).toBe(cur!.closing);
  });

  it('renders the statement as HTML in a chosen language', async () => {
    const r = await api.call(api.a.read, {
      method: 'GET',
      url: '/v1/accounts/ACME/statements/2026-10?format=html&locale=fa',
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toContain('text/html');
    expect(r.body).toContain('<html lang="fa" dir="rtl">');
    expect(r.body).toMatch(
      new RegExp(`<tr data-figure="closing">.*<strong>${n('fa', 1250)}</strong></td></tr>`),
    );
  });

  it("schedules a month's statements once, mailed to the contacts who opted in", async () => {
    const run = () =>
      api.call(api.a.admin, {
        method: 'POST',
        url: '/v1/notifications/due-runs',
        payload: { asOf: '2026-11-03T09:00:00Z' },
      });
    const first = await run();
    expect(first.statusCode, first.body).toBe(200);
    // Ola and Dara opted in (Eve too, and her opt-out is lifted); Bob did not.
    expect(first.json()).toMatchObject({ period: '2026-10', statements: 3, alreadyScheduled: false });
    const again = await run();
    expect(again.json()).toMatchObject({ period: '2026-10', statements: 0, alreadyScheduled: true });

    const october = (locale: string) =>
      new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'long', timeZone: 'UTC' }).format(
        new Date(Date.UTC(2026, 9, 1)),
      );
    const olaSubject = `Twoje zestawienie Acme Rewards za ${october('pl')}`;
    const daraSubject = `صورت‌حساب Acme Rewards شما برای ${october('fa')}`;
    const eveSubject = `รายงาน Acme Rewards ของคุณสำหรับ ${october('th')}`;
    const has = (to: string, subject: string) => mailbox.to(to).filter((m) => m.subject === subject);
    await mailbox.waitFor(
      () =>
        has('ola@acme.test', olaSubject).length > 0 &&
        has('dara@acme.test', daraSubject).length > 0 &&
        has('eve@acme.test', eveSubject).length > 0,
    );
    await new Promise((r) => setTimeout(r, 1_000));
    const ola = has('ola@acme.test', olaSubject);
    expect(ola).toHaveLength(1);
    expect(october('pl')).toBe('październik 2026');
    expect(ola[0]!.text).toContain(`Saldo początkowe: ${n('pl', 1000)}`);
    expect(ola[0]!.text).toContain(`Saldo końcowe: ${n('pl', 1250)}`);
    expect(ola[0]!.text).toContain('Wygasłe: 400');
    const dara = has('dara@acme.test', daraSubject);
    expect(dara).toHaveLength(1);
    expect(dara[0]!.html).toContain('dir="rtl"');
    expect(has('eve@acme.test', eveSubject)).toHaveLength(1);
    const list = await api.call(api.a.read, { method: 'GET', url: '/v1/notifications/mails?kind=statement' });
    const october2026 = (list.json().data as Array<{ period: string; to: string }>).filter(
      (m) => m.period === '2026-10',
    );
    expect(october2026.map((m) => m.to).sort()).toEqual(['dara@acme.test', 'eve@acme.test', 'ola@acme.test']);
    expect(recipients(ola[0]!)).toEqual(['ola@acme.test']);
  });

  it('unsubscribes by the link every mail carries, without login: GET asks, POST (one click) opts out', async () => {
    // The statement Dara received (the last test's) carries the link, in the footer and the headers.
    const mail = mailbox.to('dara@acme.test').at(-1)!;
    // A header's raw line, unfolded.
    const line = (key: string) =>
      (mail.headerLines.find((h) => h.key === key)?.line ?? '').replace(/\r?\n\s+/g, ' ');
    const header = line('list-unsubscribe');
    const url = /^List-Unsubscribe: <(http:\/\/localhost:3000\/unsubscribe\/[\w-]{20,})>$/.exec(header)?.[1];
    expect(url, header).toBeDefined();
    expect(line('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(mail.html).toContain(`href="${url}"`);
    expect(mail.text).toContain(`لغو اشتراک این ایمیل‌ها: ${url}`);
    const path = new URL(url!).pathname;
    const optedOut = async () =>
      (
        await api.call(api.a.read, {
          method: 'GET',
          url: `/v1/contacts/${contacts.dara}/notification-opt-out`,
        })
      ).json().optedOut;

    // Opening the link asks, in Persian, and changes nothing (mail scanners open links).
    const page = await api.app.inject({ method: 'GET', url: path, headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('<html lang="fa" dir="rtl">');
    expect(page.body).toContain('d**@acme.test');
    expect(page.body).not.toContain('dara@acme.test');
    expect(page.body).toContain('<form method="post">');
    expect(await optedOut()).toBe(false);

    // The mail client's one-click POST (RFC 8058), twice: one opt-out, audited as the contact's act.
    for (let i = 0; i < 2; i++) {
      const done = await api.app.inject({
        method: 'POST',
        url: path,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'List-Unsubscribe=One-Click',
      });
      expect(done.statusCode, done.body).toBe(200);
      expect(done.body).toContain('d**@acme.test دیگر ایمیلی از Acme Rewards دریافت نمی‌کند.');
    }
    expect(await optedOut()).toBe(true);
    const audit = await api.call(api.a.admin, {
      method: 'GET',
      url: `/v1/audit?resourceType=contact&resourceId=${contacts.dara}`,
    });
    const entries = (audit.json().data as Array<{ action: string; actor: unknown }>).filter(
      (e) => e.action === 'notification_opt_out.create',
    );
    expect(entries).toHaveLength(1);
    expect(JSON.stringify(entries[0]!.actor)).toContain(contacts.dara!);

    // A credit now mails Ola (owner) but not Dara any more.
    const before = mailbox.to('dara@acme.test').length;
    await credit(33);
    await mailbox.waitFor(() => mailbox.to('ola@acme.test').some((m) => m.subject?.includes(n('pl', 33))));
    await new Promise((r) => setTimeout(r, 1_000));
    expect(mailbox.to('dara@acme.test')).toHaveLength(before);

    // A token no mail carries: 404, for GET and POST alike; a browser gets the page that says so,
    // any other client the problem document.
    for (const method of ['GET', 'POST'] as const) {
      const url = '/unsubscribe/AAAAAAAAAAAAAAAAAAAAAAAA';
      const browser = await api.app.inject({ method, url, headers: { accept: 'text/html,*/*' } });
      expect(browser.statusCode).toBe(404);
      expect(browser.body).toContain('This unsubscribe link is not valid.');
      const client = await api.app.inject({ method, url });
      expect(client.statusCode).toBe(404);
      expect(client.json()).toMatchObject({ status: 404, code: 'unsubscribe_link_invalid' });
    }
    const malformed = await api.app.inject({ method: 'GET', url: '/unsubscribe/x' });
    expect(malformed.statusCode).toBe(400);
  });

  it('mails a redemption waiting for approval to the approvers, in their language, never to its requester', async () => {
    const patched = await api.call(api.a.admin, {
      method: 'PATCH',
      url: '/v1/program',
      payload: {
        settings: {
          notifications: {
            senderName: 'Acme Rewards',
            mail: { 'points.credited': ['owner', 'admin'], 'redemption.approval_needed': ['approver'] },
          },
          redemptions: { approval: { always: true } },
        },
      },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    const contact = async (email: string, role: string, locale: string) => {
      const r = await api.call(api.a.write, {
        method: 'POST',
        url: '/v1/accounts/ACME/contacts',
        payload: { email, role, locale },
      });
      expect(r.statusCode, r.body).toBe(201);
      return r.json().id as string;
    };
    const ayu = await contact('ayu@acme.test', 'approver', 'id-ID');
    const tom = await contact('tom@acme.test', 'approver', 'en');
    const reward = await api.call(api.a.admin, {
      method: 'POST',
      url: '/v1/rewards',
      payload: {
        type: 'custom',
        name: 'Site visit',
        price: { amount: 10, unit: 'points' },
        stock: { kind: 'unlimited' },
        translations: { id: { name: 'Kunjungan lokasi' } },
      },
    });
    expect(reward.statusCode, reward.body).toBe(201);
    const redeem = async (contactId: string, key: string) => {
      const r = await api.call(api.a.write, {
        method: 'POST',
        url: '/v1/redemptions',
        headers: { 'idempotency-key': key },
        payload: { reward: reward.json().id, account: 'ACME', contactId },
      });
      expect(r.statusCode, r.body).toBe(201);
      expect(r.json().status).toBe('pending_approval');
    };
    const needed = (to: string) =>
      mailbox.to(to).filter((m) => /Site visit|Kunjungan lokasi/.test(m.subject ?? ''));

    // Bob (a buyer) asks: both approvers are mailed, each in their language (the reward's name too);
    // Bob is not.
    await redeem(contacts.bob!, 'approval-mail-1');
    await mailbox.waitFor(() => needed('ayu@acme.test').length >= 1 && needed('tom@acme.test').length >= 1);
    expect(needed('ayu@acme.test')[0]!.subject).toBe('Persetujuan diperlukan: Kunjungan lokasi');
    expect(needed('ayu@acme.test')[0]!.text).toContain(
      'Penukaran Kunjungan lokasi menunggu persetujuan Anda.',
    );
    expect(needed('tom@acme.test')[0]!.subject).toBe('Approval needed: Site visit');

    // Tom asks himself: only Ayu is mailed (nobody approves their own request).
    await redeem(tom, 'approval-mail-2');
    await mailbox.waitFor(() => needed('ayu@acme.test').length >= 2);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(needed('ayu@acme.test')).toHaveLength(2);
    expect(needed('tom@acme.test')).toHaveLength(1);
    expect(needed('bob@acme.test')).toHaveLength(0);
    const kinds = await api.call(api.a.read, {
      method: 'GET',
      url: '/v1/notifications/mails?kind=redemption.approval_needed',
    });
    expect((kinds.json().data as Array<{ to: string }>).map((m) => m.to).sort()).toEqual([
      'ayu@acme.test',
      'ayu@acme.test',
      'tom@acme.test',
    ]);
    expect(ayu).toMatch(/^con_/);
  });

  describe('statements with earnings by reason, adjustments, tier, rewards within reach, by quarter', () => {
    // A second account, BETA, with its own history: the figures below are worked out here from what
    // is sent, not by the statement's SQL. The third quarter of 2026 (Amsterdam) is set up with
    // back-dated credits and purchases; the rest happens now (December 2026).
    const q3: Record<string, unknown> = {};
    const beta: Record<string, string> = {};
    const post = async (url: string, payload: object, key: string, as = api.a.write) => {
      const r = await api.call(as, { method: 'POST', url, headers: { 'idempotency-key': key }, payload });
      expect(r.statusCode, r.body).toBe(201);
      return r.json();
    };
    const get = async (url: string) => {
      const r = await api.call(api.a.read, { method: 'GET', url });
      expect(r.statusCode, r.body).toBe(200);
      return r;
    };
    const betaCredit = (amount: number, reasonCode: string, effectiveAt: string, expiresAt: string | null) =>
      post(
        '/v1/ledger/credits',
        { account: 'BETA', amount, reasonCode, explanation: 'test', effectiveAt, expiresAt },
        `beta-${amount}-${effectiveAt}`,
      );
    const purchase = (id: string, occurredAt: string, amount: string) =>
      post('/v1/events', { id, type: 'purchase', account: 'BETA', occurredAt, amount, currency: 'EUR' }, id);

    beforeAll(async () => {
      const account = await api.call(api.a.write, {
        method: 'POST',
        url: '/v1/accounts',
        payload: { externalId: 'BETA', name: 'Beta Supplies' },
      });
      expect(account.statusCode, account.body).toBe(201);
      for (const [key, c] of Object.entries({
        ana: { email: 'ana@beta.test', role: 'owner', locale: 'fa-IR', statementOptIn: true },
        jan: { email: 'jan@beta.test', role: 'admin', locale: 'pl', statementOptIn: true },
        kim: { email: 'kim@beta.test', role: 'buyer', locale: 'en', statementOptIn: false },
      })) {
        const r = await api.call(api.a.write, {
          method: 'POST',
          url: '/v1/accounts/BETA/contacts',
          payload: c,
        });
        expect(r.statusCode, r.body).toBe(201);
        beta[key] = r.json().id;
      }
      const admin = (url: string, payload: object) =>
        api.call(api.a.admin, { method: 'POST', url, payload }).then((r) => {
          expect(r.statusCode, r.body).toBe(201);
          return r.json();
        });
      // Orders lift the tier; each euro earns a point (posted when the event arrives: now).
      await admin('/v1/tier-ladders', {
        document: {
          name: 'Status',
          metric: 'orders',
          window: { kind: 'rolling_months', months: 12 },
          tiers: [
            { code: 'silver', name: 'Silver', threshold: '2' },
            { code: 'gold', name: 'Gold', threshold: '5' },
          ],
        },
      });
      await admin('/v1/rules', {
        document: {
          name: '1 point per EUR',
          trigger: { types: ['purchase'] },
          effects: [{ kind: 'per_amount', points: '1', per: '1' }],
        },
        effectiveFrom: '2026-01-01T00:00:00Z',
      });
      const reward = (name: string, price: number, extra: object = {}) =>
        admin('/v1/rewards', {
          type: 'custom',
          name,
          price: { amount: price, unit: 'points' },
          stock: { kind: 'unlimited' },
          ...extra,
        });
      await reward('Mug', 1000);
      await reward('Bag', 1400, { translations: { pl: { name: 'Torba' }, fa: { name: 'کیف' } } });
      await reward('Lamp', 1600); // above 125 % of 1250
      await reward('Pen', 100);
      await reward('Lounge', 1200, { eligibility: { tiers: ['gold'] } }); // BETA holds Silver

      await betaCredit(500, 'welcome', '2026-06-10T10:00:00Z', null); // before the quarter
      await betaCredit(300, 'campaign', '2026-07-05T10:00:00Z', '2026-08-15T00:00:00Z'); // expires in it
      await betaCredit(400, 'campaign', '2026-08-01T10:00:00Z', '2026-10-20T00:00:00Z');
      q3.bonus = await betaCredit(250, 'bonus', '2026-09-01T10:00:00Z', '2027-02-10T00:00:00Z');
      await betaCredit(100, 'bonus', '2026-09-20T10:00:00Z', '2026-10-05T00:00:00Z');
      await purchase('beta-p1', '2026-08-10T10:00:00Z', '120.00');
      await purchase('beta-p2', '2026-09-10T10:00:00Z', '80.00'); // the second order: Silver
      const due = await api.call(api.a.admin, { method: 'POST', url: '/v1/ledger/due-runs', payload: {} });
      expect(due.statusCode, due.body).toBe(200);
    });

    // Q3: opened with 500; earned 700 (campaign) + 350 (bonus); 300 expired on 15 August.
    const q3Line = {
      unit: 'points',
      opening: 500,
      earned: 1050,
      earnedByReason: [
        { reason: 'campaign', amount: 700 },
        { reason: 'bonus', amount: 350 },
      ],
      adjusted: 0,
      redeemed: 0,
      expired: 300,
      other: 0,
      otherByType: [],
      closing: 500 + 1050 - 300,
      // 100 expires 5 October, 400 on 20 October (both within the default 30 days: the last settings
      // named no window), 250 on 10 February 2027: as the journal stood on 30 September, though the
      // October ones have expired since.
      expiringSoon: 500,
      expiringNext: [
        { period: '2026-Q4', amount: 500 },
        { period: '2027-Q1', amount: 250 },
        { period: '2027-Q2', amount: 0 },
      ],
    };

    it('states a quarter from the journal: earned by reason, expiries ahead, the tier then, rewards within reach', async () => {
      const s = (await get('/v1/accounts/BETA/statements/2026-Q3')).json();
      expect(s).toMatchObject({
        period: '2026-Q3',
        cadence: 'quarterly',
        start: '2026-06-30T22:00:00.000Z',
        end: '2026-09-30T22:00:00.000Z',
      });
      expect(s.lines).toEqual([q3Line]);
      // Two orders by 30 September: Silver since 10 September, three short of Gold.
      expect(s.tiers).toEqual([
        {
          ladderName: 'Status',
          tier: 'silver',
          tierName: 'Silver',
          metric: '2',
          next: { tier: 'gold', name: 'Gold', needed: '3' },
        },
      ]);
      // Closest to 1250 first; Lamp is above 1562, Lounge needs Gold.
      expect(s.rewards.map((r: { name: string; short: number }) => [r.name, r.short])).toEqual([
        ['Bag', 150],
        ['Mug', 0],
        ['Pen', 0],
      ]);
      q3.json = s;
      q3.html = (await get('/v1/accounts/BETA/statements/2026-Q3?format=html&locale=pl')).body;
      expect(q3.html).toContain('Torba');
    });

    it('adds up to the ledger balance with adjustments, redemptions and a reversal, and states an ended period the same ever after', async () => {
      // December: a partial reversal, two adjustments, a redemption, a third order.
      const bonus = q3.bonus as { id: string };
      await post(
        `/v1/ledger/entries/${bonus.id}/reverse`,
        { amount: 50, reasonCode: 'correction', explanation: 'partly wrong' },
        'beta-reverse',
      );
      await post(
        '/v1/ledger/adjustments',
        { account: 'BETA', amount: 50, reasonCode: 'goodwill', explanation: 'sorry' },
        'beta-adj-1',
        api.a.admin,
      );
      await post(
        '/v1/ledger/adjustments',
        { account: 'BETA', amount: -20, reasonCode: 'fix', explanation: 'typo' },
        'beta-adj-2',
        api.a.admin,
      );
      await post(
        '/v1/ledger/debits',
        { account: 'BETA', amount: 150, type: 'redeem', reasonCode: 'gift', explanation: 'gift' },
        'beta-debit',
      );
      await purchase('beta-p3', new Date(Date.now() - 60_000).toISOString(), '60.00');

      // The quarter reads the same: figures, tier, rewards and the document.
      expect((await get('/v1/accounts/BETA/statements/2026-Q3')).json()).toEqual(q3.json);
      expect((await get('/v1/accounts/BETA/statements/2026-Q3?format=html&locale=pl')).body).toBe(q3.html);

      // December, as if asked in January: 1250 less the 500 that expired in October to open; the
      // three orders' points (posted now), +50 −20 by hand, 150 redeemed, 50 reversed.
      const { figures } = await services.notifications.statement(
        api.a.programId,
        'BETA',
        '2026-12',
        new Date('2027-01-02T00:00:00Z'),
      );
      const [line] = figures.lines;
      expect(line).toEqual({
        unit: 'points',
        opening: 750,
        earned: 260,
        earnedByReason: [{ reason: 'earn_rule', amount: 260 }],
        adjusted: 30,
        redeemed: 150,
        expired: 0,
        other: -50,
        otherByType: [{ type: 'reverse', amount: -50 }],
        closing: 750 + 260 + 30 - 150 - 50,
        // The lot of 250 lost 50 to the reversal, then 20 to the debit by hand and 150 to the
        // redemption (debits take the soonest expiring lot first).
        expiringSoon: 0,
        expiringNext: [
          { period: '2027-01', amount: 0 },
          { period: '2027-02', amount: 250 - 50 - 20 - 150 },
          { period: '2027-03', amount: 0 },
        ],
      });
      const balance = await get('/v1/accounts/BETA/wallets/points/balance');
      expect(line!.closing).toBe(balance.json().balance);
      expect(figures.tiers[0]).toMatchObject({ tier: 'silver', metric: '3', next: { needed: '2' } });
    });

    it('mails a quarter once per contact who opted in, when the program states by quarter', async () => {
      const patched = await api.call(api.a.admin, {
        method: 'PATCH',
        url: '/v1/program',
        payload: {
          settings: {
            notifications: { senderName: 'Acme Rewards', statements: { cadence: 'quarterly' } },
          },
        },
      });
      expect(patched.statusCode, patched.body).toBe(200);
      const run = async (asOf: string) => {
        const r = await api.call(api.a.admin, {
          method: 'POST',
          url: '/v1/notifications/due-runs',
          payload: { asOf },
        });
        expect(r.statusCode, r.body).toBe(200);
        return r.json();
      };
      // In the quarter's last days nothing of it is sent; once it is over, once.
      expect(await run('2026-09-30T21:00:00Z')).toMatchObject({ period: '2026-Q2' });
      const first = await run('2026-10-05T09:00:00Z');
      expect(first).toMatchObject({ period: '2026-Q3', alreadyScheduled: false });
      expect(await run('2026-10-06T09:00:00Z')).toMatchObject({
        period: '2026-Q3',
        statements: 0,
        alreadyScheduled: true,
      });

      const quarter = (locale: string) =>
        new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'long', timeZone: 'UTC' }).formatRange(
          Date.UTC(2026, 6, 1),
          Date.UTC(2026, 8, 1),
        );
      const janSubject = `Twoje zestawienie Acme Rewards za ${quarter('pl')}`;
      const anaSubject = `صورت‌حساب Acme Rewards شما برای ${quarter('fa')}`;
      const has = (to: string, subject: string) => mailbox.to(to).filter((m) => m.subject === subject);
      await mailbox.waitFor(
        () => has('jan@beta.test', janSubject).length > 0 && has('ana@beta.test', anaSubject).length > 0,
      );
      await new Promise((r) => setTimeout(r, 1_000));
      const [jan] = has('jan@beta.test', janSubject);
      expect(has('jan@beta.test', janSubject)).toHaveLength(1);
      expect(mailbox.to('kim@beta.test').filter((m) => m.subject?.includes('Acme Rewards'))).toHaveLength(0);
      expect(jan!.text).toContain(
        [
          `Saldo początkowe: ${n('pl', 500)}`,
          `Zdobyte: ${n('pl', 1050)}`,
          `  campaign: ${n('pl', 700)}`,
          `  bonus: ${n('pl', 350)}`,
          'Wymienione: 0',
          `Wygasłe: ${n('pl', 300)}`,
          `Saldo końcowe: ${n('pl', 1250)}`,
        ].join('\n'),
      );
      expect(jan!.text).toContain('Status: Silver');
      expect(jan!.text).toContain(`Torba · ${n('pl', 1400)} points · Brakuje ${n('pl', 150)} points`);
      const ana = has('ana@beta.test', anaSubject);
      expect(ana).toHaveLength(1);
      expect(ana[0]!.html).toContain('<html lang="fa" dir="rtl">');
      expect(ana[0]!.text).toContain(`مانده پایان دوره: ${n('fa', 1250)}`);
      expect(ana[0]!.text).toContain('کیف');
      const list = await get('/v1/notifications/mails?kind=statement');
      const mails = (list.json().data as Array<{ period: string; to: string }>).filter(
        (m) => m.period === '2026-Q3',
      );
      expect(
        mails
          .map((m) => m.to)
          .filter((t) => t.endsWith('@beta.test'))
          .sort(),
      ).toEqual(['ana@beta.test', 'jan@beta.test']);
      expect(first.statements).toBe(mails.length);
    });
  });
});
