// Signing in to the portal by e-mail (decision 0029), with a real SMTP server in the test process: a
// member's address gets a one-time link in their language that opens a session once; an unknown
// address gets the same answer and no mail; the link points at the configured public address, never
// the request's Host; requests are limited per address and per client; a portal without e-mail, or
// whose program turned it off, refuses with a clear problem.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recipients, startMailbox } from '../notifications/smtp.ts';
import { type TestApi, testApi } from '../support/app.ts';
import { exchange, json } from './portal-fixture.ts';

const mailbox = await startMailbox();
let api: TestApi;
let clients = 0;

/** Asks for a sign-in link from a client address (a new one each time unless given). */
function ask(slug: string, email: string, client?: string, headers: Record<string, string> = {}) {
  clients += 1;
  return api.app.inject({
    method: 'POST',
    url: '/portal/api/sign-in-links',
    payload: { slug, email },
    headers,
    remoteAddress: client ?? `10.20.${clients >> 8}.${clients & 255}`,
  });
}

/** The token of the link in a mail's text. */
const tokenIn = (text: string | undefined) => /\/enter#token=([\w-]+)/.exec(text ?? '')?.[1];

beforeAll(async () => {
  api = await testApi({
    notifications: { smtpUrl: mailbox.url, from: 'portal@fidelis.test' },
    portal: { publicUrl: 'https://loyalty.example.test/' },
  });
  const { a, b } = api;
  for (const [key, slug] of [
    [a.admin, 'mailed'],
    [b.admin, 'other-mailed'],
  ] as const) {
    const r = await api.call(key, {
      method: 'PATCH',
      url: '/v1/program',
      payload: { settings: { portal: { slug }, notifications: { senderName: 'Mailed Rewards' } } },
    });
    expect(r.statusCode, r.body).toBe(200);
  }
  for (const [key, externalId, email, locale] of [
    [a.write, 'M1', 'ola@mailed.test', 'pl-PL'],
    [a.write, 'M2', 'dara@mailed.test', 'fa'],
    [a.write, 'M3', 'limit@mailed.test', 'en'],
    [b.write, 'X1', 'stranger@other.test', 'en'],
  ] as const) {
    expect(
      (
        await api.call(key, {
          method: 'POST',
          url: '/v1/accounts',
          payload: { externalId, name: externalId },
        })
      ).statusCode,
    ).toBe(201);
    const c = await api.call(key, {
      method: 'POST',
      url: `/v1/accounts/${externalId}/contacts`,
      payload: { email, name: `${externalId} person`, role: 'buyer', locale },
    });
    expect(c.statusCode, c.body).toBe(201);
  }
});

afterAll(() => api.services.portal.settled());

describe('signing in by e-mail', () => {
  it('tells the signed-out page that this portal signs in by e-mail', async () => {
    const r = await api.app.inject({ method: 'GET', url: '/portal/api/portals/mailed' });
    expect(json(r).signInByMail).toBe(true);
  });

  it('mails a member a one-time link in their language that opens a session once, at the configured address', async () => {
    const r = await ask('mailed', 'Ola@Mailed.TEST', undefined, { host: 'evil.example' });
    expect(r.statusCode, r.body).toBe(202);
    expect(json(r)).toEqual({
      accepted: true,
      detail: 'If this address belongs to a member of this portal, a sign-in link is on its way.',
    });
    await api.services.portal.settled();
    await mailbox.waitFor(() => mailbox.to('ola@mailed.test').length === 1);
    const [mail] = mailbox.to('ola@mailed.test');
    expect(mail!.subject).toBe('Twój link do logowania w Mailed Rewards');
    expect(mail!.text).toContain('https://loyalty.example.test/portal/mailed/enter#token=');
    expect(mail!.text).not.toContain('evil.example');
    expect(mail!.html).toContain('lang="pl"');
    const token = tokenIn(mail!.text)!;
    const opened = await exchange(api, 'mailed', token);
    expect(opened.statusCode, opened.body).toBe(201);
    expect(json(opened).contact.email).toBe('ola@mailed.test');
    // Once only.
    const again = await exchange(api, 'mailed', token);
    expect(again.statusCode).toBe(401);
    expect(json(again).code).toBe('portal_link_invalid');
    // The operator sees the mail was sent (never the link); the mint is audited as the contact.
    const mails = await api.call(api.a.read, {
      method: 'GET',
      url: '/v1/notifications/mails?kind=portal.sign_in',
    });
    expect(json(mails).data).toEqual([
      expect.objectContaining({ kind: 'portal.sign_in', state: 'sent', to: 'ola@mailed.test', locale: 'pl' }),
    ]);
    expect(mails.body).not.toContain(token);
  });

  it('writes Persian mail right to left', async () => {
    expect((await ask('mailed', 'dara@mailed.test')).statusCode).toBe(202);
    await api.services.portal.settled();
    await mailbox.waitFor(() => mailbox.to('dara@mailed.test').length === 1);
    const [mail] = mailbox.to('dara@mailed.test');
    expect(mail!.html).toContain('dir="rtl"');
    expect(mail!.subject).toBe('پیوند ورود شما به Mailed Rewards');
  });

  it('answers an unknown address exactly as a member’s, and mails nobody', async () => {
    const before = mailbox.received.length;
    const member = await ask('mailed', 'dara@mailed.test');
    const unknown = await ask('mailed', 'nobody@mailed.test');
    // Another program's contact is not a member of this portal.
    const other = await ask('mailed', 'stranger@other.test');
    for (const r of [unknown, other]) {
      expect(r.statusCode).toBe(member.statusCode);
      expect(r.body).toBe(member.body);
      expect(r.headers['content-type']).toBe(member.headers['content-type']);
    }
    await api.services.portal.settled();
    await mailbox.waitFor(() => mailbox.received.length === before + 1);
    await new Promise((r) => setTimeout(r, 200));
    expect(mailbox.received.slice(before).flatMap(recipients)).toEqual(['dara@mailed.test']);
  });

  it('a mailed link opens only its own portal', async () => {
    const before = mailbox.to('stranger@other.test').length;
    expect((await ask('other-mailed', 'stranger@other.test')).statusCode).toBe(202);
    await api.services.portal.settled();
    await mailbox.waitFor(() => mailbox.to('stranger@other.test').length === before + 1);
    const token = tokenIn(mailbox.to('stranger@other.test').at(-1)!.text)!;
    const wrong = await exchange(api, 'mailed', token);
    expect(wrong.statusCode).toBe(401);
    expect(json(wrong).code).toBe('portal_link_invalid');
    expect((await exchange(api, 'other-mailed', token)).statusCode).toBe(201);
  });

  it('limits requests per address (members and strangers alike) with a clear 429', async () => {
    for (const email of ['limit@mailed.test', 'ghost@mailed.test']) {
      for (let i = 0; i < 3; i += 1) expect((await ask('mailed', email)).statusCode).toBe(202);
      const refused = await ask('mailed', email);
      expect(refused.statusCode).toBe(429);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(json(refused).code).toBe('portal_sign_in_rate_limited');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    }
    await api.services.portal.settled();
    await mailbox.waitFor(() => mailbox.to('limit@mailed.test').length === 3);
  });

  it('limits requests per client address', async () => {
    const client = '10.99.0.1';
    for (let i = 0; i < 20; i += 1)
      expect((await ask('mailed', `someone-${i}@nowhere.test`, client)).statusCode).toBe(202);
    const refused = await ask('mailed', 'someone-else@nowhere.test', client);
    expect(refused.statusCode).toBe(429);
    expect(json(refused).code).toBe('portal_sign_in_rate_limited');
    await api.services.portal.settled();
  });

  it('validates the input and knows no other portal', async () => {
    const bad = await ask('mailed', 'not-an-address');
    expect(bad.statusCode).toBe(400);
    expect(json(bad).code).toBe('validation_failed');
    const extra = await api.app.inject({
      method: 'POST',
      url: '/portal/api/sign-in-links',
      payload: { slug: 'mailed', email: 'ola@mailed.test', contactId: 'con_x' },
    });
    expect(extra.statusCode).toBe(400);
    const unknown = await ask('no-such-portal', 'ola@mailed.test');
    expect(unknown.statusCode).toBe(404);
    expect(json(unknown).code).toBe('portal_not_found');
  });

  it('is refused where the program turned it off', async () => {
    const r = await api.call(api.a.admin, {
      method: 'PATCH',
      url: '/v1/program',
      payload: { settings: { portal: { slug: 'mailed', signInByMail: false } } },
    });
    expect(r.statusCode, r.body).toBe(200);
    const off = await ask('mailed', 'ola@mailed.test');
    expect(off.statusCode).toBe(403);
    expect(json(off).code).toBe('portal_mail_sign_in_off');
    const branding = await api.app.inject({ method: 'GET', url: '/portal/api/portals/mailed' });
    expect(json(branding).signInByMail).toBe(false);
  });
});

describe('signing in by e-mail without SMTP', () => {
  let plain: TestApi;
  beforeAll(async () => {
    plain = await testApi();
  });

  it('is not offered and is refused', async () => {
    const r = await plain.call(plain.a.admin, {
      method: 'PATCH',
      url: '/v1/program',
      payload: { settings: { portal: { slug: 'no-mail' } } },
    });
    expect(r.statusCode, r.body).toBe(200);
    const branding = await plain.app.inject({ method: 'GET', url: '/portal/api/portals/no-mail' });
    expect(json(branding).signInByMail).toBe(false);
    const off = await plain.app.inject({
      method: 'POST',
      url: '/portal/api/sign-in-links',
      payload: { slug: 'no-mail', email: 'a@b.test' },
    });
    expect(off.statusCode).toBe(403);
    expect(json(off).code).toBe('portal_mail_sign_in_off');
  });
});
