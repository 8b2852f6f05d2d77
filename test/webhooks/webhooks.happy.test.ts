// Webhooks end to end with a real local receiver: Standard Webhooks signatures, retries with the same
// message id, delivery of what was committed while no worker ran, rotation and replay.

import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type ServiceOptions } from '../../src/app/compose.ts';
import { testApi } from '../support/app.ts';
import { startReceiver } from './receiver.ts';

const receiver = await startReceiver();
const options: ServiceOptions = {
  jobs: { pollingIntervalSeconds: 0.5 },
  webhooks: {
    allowedHosts: [receiver.host],
    // A short back-off for the test: 1 s, 2 s, 4 s, 8 s.
    policy: { retryLimit: 4, retryDelay: 1, retryBackoff: true, expireInSeconds: 30 },
    dispatchIntervalMs: 100,
    timeoutMs: 5_000,
  },
};

describe('webhooks', async () => {
  const api = await testApi(options);
  let services = api.services;
  beforeAll(async () => {
    await services.webhooks.start();
    await services.jobs.start();
  });
  afterAll(async () => {
    await services.webhooks.stop();
    await services.jobs.stop();
  });

  let endpoint: { id: string; secret: string };
  let sent = 0;
  const ingest = async (id: string) => {
    const response = await api.call(api.a.write, {
      method: 'POST',
      url: '/v1/events',
      payload: {
        id,
        type: 'purchase',
        account: 'ACME',
        occurredAt: '2026-03-01T10:00:00Z',
        amount: '10.00',
        currency: 'EUR',
      },
    });
    expect(response.statusCode).toBe(201);
    sent += 1;
  };
  const messageOf = async (eventId: string): Promise<string> => {
    let found: string | undefined;
    await receiver.waitFor(() => {
      found = receiver.received
        .filter((r) => r.status === 200)
        .find((r) => JSON.parse(r.body).data.id === eventId)?.headers['webhook-id'] as string | undefined;
      return found !== undefined;
    });
    return found!;
  };

  /** The delivery log of a message once it holds `n` attempts (the receiver answers before the log is written). */
  const logOf = async (messageId: string, n: number) => {
    let data: Array<Record<string, unknown>> = [];
    const end = Date.now() + 20_000;
    while (data.length < n && Date.now() < end) {
      const log = await api.call(api.a.admin, {
        method: 'GET',
        url: `/v1/webhook-endpoints/${endpoint.id}/attempts?messageId=${messageId}`,
      });
      data = log.json().data;
      if (data.length < n) await new Promise((r) => setTimeout(r, 50));
    }
    return data;
  };

  it('creates an endpoint and shows its secret once', async () => {
    const created = await api.call(api.a.admin, {
      method: 'POST',
      url: '/v1/webhook-endpoints',
      payload: { url: receiver.url, eventTypes: ['event.processed'], description: 'CRM' },
    });
    expect(created.statusCode).toBe(201);
    endpoint = created.json();
    expect(endpoint.secret).toMatch(/^whsec_/);
    const read = await api.call(api.a.admin, { method: 'GET', url: `/v1/webhook-endpoints/${endpoint.id}` });
    expect(read.json()).toMatchObject({ url: receiver.url, eventTypes: ['event.processed'], enabled: true });
    expect(read.json().secret).toBeUndefined();
    const account = await api.call(api.a.write, {
      method: 'POST',
      url: '/v1/accounts',
      payload: { externalId: 'ACME', name: 'Acme' },
    });
    expect(account.statusCode).toBe(201);
  });

  it('delivers an ingested event signed by the Standard Webhooks scheme', async () => {
    await ingest('o-1');
    const id = await messageOf('o-1');
    const [request] = receiver.of(id);
    const verified = new Webhook(endpoint.secret).verify(
      request!.body,
      request!.headers as Record<string, string>,
    ) as {
      type: string;
      data: { id: string; result: unknown };
    };
    expect(verified.type).toBe('event.processed');
    expect(verified.data.id).toBe('o-1');
    expect(verified.data.result).toBeDefined();
    // A wrong secret does not verify.
    const other = new Webhook(`whsec_${Buffer.from('x'.repeat(24)).toString('base64')}`);
    expect(() => other.verify(request!.body, request!.headers as Record<string, string>)).toThrow();
    // The delivery log.
    expect(await logOf(id, 1)).toEqual([
      expect.objectContaining({
        messageId: id,
        attempt: 1,
        status: 200,
        succeeded: true,
        response: 'thanks',
      }),
    ]);
    const messages = await api.call(api.a.admin, { method: 'GET', url: '/v1/webhook-messages' });
    expect(messages.json().data[0]).toMatchObject({ id, type: 'event.processed' });
  });

  it('retries a failing receiver with back-off and delivers on the 4th attempt with the same id', async () => {
    receiver.failNext(3);
    await ingest('o-2');
    const id = await messageOf('o-2');
    const tries = receiver.of(id);
    expect(tries.map((r) => r.status)).toEqual([503, 503, 503, 200]);
    // Every attempt is signed anew and verifies.
    for (const r of tries) new Webhook(endpoint.secret).verify(r.body, r.headers as Record<string, string>);
    expect((await logOf(id, 4)).map((a) => [a.attempt, a.status, a.response])).toEqual([
      [4, 200, 'thanks'],
      [3, 503, 'try again later'],
      [2, 503, 'try again later'],
      [1, 503, 'try again later'],
    ]);
    // The job completes once the attempt is logged (the handler returns after writing it).
    const completed = async () =>
      (await api.call(api.a.read, { method: 'GET', url: '/v1/jobs?queue=webhook-delivery&limit=100' }))
        .json()
        .data.some((j: { attempts: number; state: string }) => j.attempts === 4 && j.state === 'completed');
    const end = Date.now() + 10_000;
    while (!(await completed()) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    expect(await completed()).toBe(true);
  }, 40_000);

  it('signs with both secrets during a rotation overlap', async () => {
    const rotated = await api.call(api.a.admin, {
      method: 'POST',
      url: `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`,
      payload: { overlapSeconds: 3600 },
    });
    expect(rotated.statusCode).toBe(200);
    const fresh = rotated.json() as { secret: string; secretRotatingUntil: string };
    expect(fresh.secret).not.toBe(endpoint.secret);
    expect(fresh.secretRotatingUntil).not.toBeNull();
    await ingest('o-3');
    const [request] = receiver.of(await messageOf('o-3'));
    expect(String(request!.headers['webhook-signature']).split(' ')).toHaveLength(2);
    for (const secret of [endpoint.secret, fresh.secret])
      new Webhook(secret).verify(request!.body, request!.headers as Record<string, string>);
    endpoint = { ...endpoint, secret: fresh.secret };
  });

  it('replays one message, and the messages of a time range, under their message ids', async () => {
    const since = new Date(Date.now() - 60_000).toISOString();
    const id = await messageOf('o-1');
    const before = receiver.of(id).length;
    const one = await api.call(api.a.admin, {
      method: 'POST',
      url: `/v1/webhook-endpoints/${endpoint.id}/replay`,
      payload: { messageId: id },
    });
    expect(one.statusCode).toBe(202);
    expect(one.json()).toEqual({ replayed: 1 });
    await receiver.waitFor(() => receiver.of(id).length === before + 1);
    const again = receiver.of(id).at(-1)!;
    expect(JSON.parse(again.body).data.id).toBe('o-1');
    new Webhook(endpoint.secret).verify(again.body, again.headers as Record<string, string>);

    const count = receiver.received.length;
    const range = await api.call(api.a.admin, {
      method: 'POST',
      url: `/v1/webhook-endpoints/${endpoint.id}/replay`,
      payload: { since, until: new Date().toISOString() },
    });
    expect(range.json()).toEqual({ replayed: sent });
    await receiver.waitFor(
      () => receiver.received.filter((r, i) => i >= count && r.status === 200).length === sent,
    );
  });

  it('delivers after a restart what was committed while no worker ran', async () => {
    await services.webhooks.stop();
    await services.jobs.stop();
    await ingest('o-down');
    await new Promise((r) => setTimeout(r, 1_000));
    expect(receiver.received.some((r) => JSON.parse(r.body).data.id === 'o-down')).toBe(false);
    // The next instance on the same store picks it up.
    services = createServices(api.database, options);
    await services.webhooks.start();
    await services.jobs.start();
    const id = await messageOf('o-down');
    expect(receiver.of(id).filter((r) => r.status === 200)).toHaveLength(1);
  });

  it('writes no message for a program without a subscribed endpoint', async () => {
    const account = await api.call(api.b.write, {
      method: 'POST',
      url: '/v1/accounts',
      payload: { externalId: 'ACME', name: 'Acme' },
    });
    expect(account.statusCode).toBe(201);
    const response = await api.call(api.b.write, {
      method: 'POST',
      url: '/v1/events',
      payload: {
        id: 'b-1',
        type: 'purchase',
        account: 'ACME',
        occurredAt: '2026-03-01T10:00:00Z',
        amount: '1.00',
        currency: 'EUR',
      },
    });
    expect(response.statusCode).toBe(201);
    const messages = await api.call(api.b.admin, { method: 'GET', url: '/v1/webhook-messages' });
    expect(messages.json().data).toEqual([]);
  });

  it('stops writing messages once the endpoint is disabled', async () => {
    const off = await api.call(api.a.admin, {
      method: 'PATCH',
      url: `/v1/webhook-endpoints/${endpoint.id}`,
      payload: { enabled: false },
    });
    expect(off.json()).toMatchObject({ enabled: false });
    const before = (
      await api.call(api.a.admin, { method: 'GET', url: '/v1/webhook-messages?limit=500' })
    ).json().data.length;
    await ingest('o-off');
    const after = (
      await api.call(api.a.admin, { method: 'GET', url: '/v1/webhook-messages?limit=500' })
    ).json().data.length;
    expect(after).toBe(before);
  });
});
