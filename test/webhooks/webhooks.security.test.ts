// Program isolation: another program's key cannot see, change, replay or read the log of endpoints
// and messages, nor list the jobs.
import { describe, expect, it } from 'vitest';
import { testApi } from '../support/app.ts';

describe('webhooks across programs', async () => {
  const api = await testApi();
  const created = await api.call(api.a.admin, {
    method: 'POST',
    url: '/v1/webhook-endpoints',
    payload: { url: 'https://hooks.example.com/a' },
  });
  const id = created.json().id as string;
  // A message of program a, written through the outbox in a transaction of a's.
  const [message] = await api.database.transaction((tx) =>
    api.services.outbox.emit(tx, api.a.programId, [
      { type: 'tier.changed', payload: { accountId: 'acc_x' } },
    ]),
  );

  it('program a has the endpoint and the message', async () => {
    expect(created.statusCode).toBe(201);
    expect(message).toBeDefined();
    const messages = await api.call(api.a.admin, { method: 'GET', url: '/v1/webhook-messages' });
    expect(messages.json().data.map((m: { id: string }) => m.id)).toEqual([message!.id]);
  });

  it("program b's key sees and touches none of it", async () => {
    const b = (options: Parameters<typeof api.call>[1]) => api.call(api.b.admin, options);
    expect((await b({ method: 'GET', url: `/v1/webhook-endpoints/${id}` })).statusCode).toBe(404);
    expect((await b({ method: 'GET', url: '/v1/webhook-endpoints' })).json().data).toEqual([]);
    expect(
      (await b({ method: 'PATCH', url: `/v1/webhook-endpoints/${id}`, payload: { enabled: false } }))
        .statusCode,
    ).toBe(404);
    expect(
      (await b({ method: 'POST', url: `/v1/webhook-endpoints/${id}/rotate-secret`, payload: {} })).statusCode,
    ).toBe(404);
    expect(
      (
        await b({
          method: 'POST',
          url: `/v1/webhook-endpoints/${id}/replay`,
          payload: { messageId: message!.id },
        })
      ).statusCode,
    ).toBe(404);
    expect((await b({ method: 'GET', url: `/v1/webhook-endpoints/${id}/attempts` })).statusCode).toBe(404);
    expect((await b({ method: 'GET', url: '/v1/webhook-messages' })).json().data).toEqual([]);
    // b's own endpoint cannot replay a's message either.
    const own = await b({
      method: 'POST',
      url: '/v1/webhook-endpoints',
      payload: { url: 'https://hooks.example.com/b' },
    });
    const replay = await b({
      method: 'POST',
      url: `/v1/webhook-endpoints/${own.json().id}/replay`,
      payload: { messageId: message!.id },
    });
    expect(replay.statusCode).toBe(404);
    expect(replay.json().code).toBe('webhook_message_not_found');
    // a's endpoint is unchanged.
    const still = await api.call(api.a.admin, { method: 'GET', url: `/v1/webhook-endpoints/${id}` });
    expect(still.json()).toMatchObject({ enabled: true });
  });
});
