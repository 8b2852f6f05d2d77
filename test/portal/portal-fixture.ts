// A program with a portal, a member account with points and a contact, and helpers to sign in.
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { TestApi } from '../support/app.ts';

export const json = (r: { body: string }) => JSON.parse(r.body);

export interface MemberSession {
  cookie: string;
  csrf: string;
}

/** Creates an account with `points` and a contact of it in `program`; their ids. */
export async function memberOf(
  api: TestApi,
  key: string,
  programId: string,
  externalId: string,
  points: number,
): Promise<{ accountId: string; contactId: string }> {
  const account = await api.call(key, {
    method: 'POST',
    url: '/v1/accounts',
    payload: { externalId, name: `${externalId} Ltd` },
  });
  expect(account.statusCode, account.body).toBe(201);
  const contact = await api.call(key, {
    method: 'POST',
    url: `/v1/accounts/${externalId}/contacts`,
    payload: { email: `buyer@${externalId.toLowerCase()}.test`, name: 'Bea Buyer', role: 'buyer' },
  });
  expect(contact.statusCode, contact.body).toBe(201);
  if (points > 0)
    await api.services.ledger.credit(programId, {
      key: `fixture:${externalId}`,
      account: externalId,
      amount: points,
      reasonCode: 'welcome',
      explanation: 'Welcome bonus',
    });
  return { accountId: json(account).id, contactId: json(contact).id };
}

/** Mints a link with `key` for the contact: the answer. */
export function mint(api: TestApi, key: string, contactId: string): Promise<LightMyRequestResponse> {
  return api.call(key, { method: 'POST', url: '/v1/portal/sessions', payload: { contact: contactId } });
}

let client = 0;

/** Opens a link's token at `slug` (from another client address each time). */
export function exchange(api: TestApi, slug: string, token: string): Promise<LightMyRequestResponse> {
  client += 1;
  return api.app.inject({
    method: 'POST',
    url: '/portal/api/session',
    payload: { slug, token },
    remoteAddress: `10.9.${client >> 8}.${client & 255}`,
  });
}

/** Mints and opens a link for the contact: the member's cookie and CSRF token. */
export async function signIn(
  api: TestApi,
  key: string,
  slug: string,
  contactId: string,
): Promise<MemberSession> {
  const link = await mint(api, key, contactId);
  expect(link.statusCode, link.body).toBe(201);
  const opened = await exchange(api, slug, json(link).token);
  expect(opened.statusCode, opened.body).toBe(201);
  return { cookie: String(opened.headers['set-cookie']).split(';')[0]!, csrf: json(opened).csrfToken };
}

export function asMember(
  api: TestApi,
  s: MemberSession,
  options: {
    method?: 'GET' | 'POST' | 'DELETE';
    url: string;
    payload?: object;
    headers?: Record<string, string>;
  },
): Promise<LightMyRequestResponse> {
  return api.app.inject({
    method: options.method ?? 'GET',
    url: options.url,
    headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, ...options.headers },
    ...(options.payload !== undefined && { payload: options.payload }),
  });
}
