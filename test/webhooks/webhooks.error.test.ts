// Bad endpoints are refused with a problem naming the field, and nothing is written.
import { describe, expect, it } from 'vitest';
import { testApi } from '../support/app.ts';

describe('webhook endpoint refusals', async () => {
  const api = await testApi({ webhooks: { allowedHosts: ['127.0.0.1:9'] } });
  const production = await testApi({ webhooks: { production: true } });

  const create = (payload: object, on = api) =>
    on.call(on.a.admin, { method: 'POST', url: '/v1/webhook-endpoints', payload });

  const expectNothingWritten = async (on = api) => {
    const list = await on.call(on.a.admin, { method: 'GET', url: '/v1/webhook-endpoints' });
    expect(list.json().data).toEqual([]);
  };

  it('refuses an unknown event type, naming it', async () => {
    const response = await create({
      url: 'https://hooks.example.com/x',
      eventTypes: ['event.processed', 'points.stolen'],
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'validation_failed' });
    expect(response.json().errors).toEqual([expect.objectContaining({ path: '/body/eventTypes/1' })]);
    await expectNothingWritten();
  });

  it.each([
    'http://127.0.0.1/hook',
    'http://10.1.2.3/hook',
    'http://169.254.169.254/latest/meta-data',
    'http://[::1]:8080/hook',
    'http://[fd00::1]/hook',
    'http://localhost:3000/hook',
    'http://127.0.0.1:10/hook',
  ])('refuses a private, loopback or link-local target: %s', async (url) => {
    const response = await create({ url });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([expect.objectContaining({ path: '/body/url' })]);
    await expectNothingWritten();
  });

  it('refuses what is not an http(s) URL', async () => {
    for (const url of ['ftp://hooks.example.com/x', 'not a url', 'https://user:pw@hooks.example.com/x']) {
      const response = await create({ url });
      expect(response.statusCode).toBe(400);
      expect(response.json().errors).toEqual([expect.objectContaining({ path: '/body/url' })]);
    }
    await expectNothingWritten();
  });

  it('takes a host the server allows even on a loopback address', async () => {
    const response = await create({ url: 'http://127.0.0.1:9/hook' });
    expect(response.statusCode).toBe(201);
  });

  it('refuses plain http in production, and takes https', async () => {
    const refused = await create({ url: 'http://hooks.example.com/x' }, production);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors).toEqual([expect.objectContaining({ path: '/body/url' })]);
    await expectNothingWritten(production);
    const taken = await create({ url: 'https://hooks.example.com/x' }, production);
    expect(taken.statusCode).toBe(201);
  });

  it('refuses a private address on change too, and keeps the endpoint as it was', async () => {
    const created = await create({ url: 'https://hooks.example.com/keep' });
    const id = created.json().id;
    const response = await api.call(api.a.admin, {
      method: 'PATCH',
      url: `/v1/webhook-endpoints/${id}`,
      payload: { url: 'http://192.168.1.10/x' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([expect.objectContaining({ path: '/body/url' })]);
    const read = await api.call(api.a.admin, { method: 'GET', url: `/v1/webhook-endpoints/${id}` });
    expect(read.json().url).toBe('https://hooks.example.com/keep');
  });

  it('answers 404 for an unknown endpoint or message, 400 for a replay naming neither', async () => {
    const missing = await api.call(api.a.admin, { method: 'GET', url: '/v1/webhook-endpoints/whe_nope' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('webhook_endpoint_not_found');
    const created = await create({ url: 'https://hooks.example.com/r' });
    const id = created.json().id;
    const noMessage = await api.call(api.a.admin, {
      method: 'POST',
      url: `/v1/webhook-endpoints/${id}/replay`,
      payload: { messageId: 'msg_nope' },
    });
    expect(noMessage.statusCode).toBe(404);
    expect(noMessage.json().code).toBe('webhook_message_not_found');
    const neither = await api.call(api.a.admin, {
      method: 'POST',
      url: `/v1/webhook-endpoints/${id}/replay`,
      payload: {},
    });
    expect(neither.statusCode).toBe(400);
  });

  it('needs the admin scope to manage endpoints', async () => {
    const response = await api.call(api.a.write, {
      method: 'POST',
      url: '/v1/webhook-endpoints',
      payload: { url: 'https://hooks.example.com/x' },
    });
    expect(response.statusCode).toBe(403);
  });
});
