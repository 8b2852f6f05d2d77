// The demo program has a paused webhook endpoint and messages in its log (and sends nothing).
import { describe, expect, it } from 'vitest';
import { FIXTURE } from '../support/actor.ts';
import { testApi } from '../support/app.ts';

describe('the demo program', async () => {
  const api = await testApi();

  it('has a paused webhook endpoint and a few messages', async () => {
    const demo = await api.services.demo.load(FIXTURE, 'Webhooks demo');
    const endpoints = await api.services.webhooks.list(demo.programId, {});
    expect(endpoints.data).toEqual([
      expect.objectContaining({ enabled: false, eventTypes: ['tier.changed', 'redemption.requested'] }),
    ]);
    const messages = await api.services.webhooks.messages(demo.programId, { limit: 500 });
    expect(messages.data.filter((m) => m.type === 'redemption.requested')).toHaveLength(3);
    // Nothing to deliver: a dispatch finds no enabled endpoint and writes no delivery.
    await api.services.jobs.start();
    try {
      await api.services.webhooks.dispatch();
      const log = await api.services.webhooks.attempts(demo.programId, endpoints.data[0]!.id, {});
      expect(log.data).toEqual([]);
      const jobs = await api.services.jobs.list(demo.programId, {});
      expect(jobs.data).toEqual([]);
    } finally {
      await api.services.jobs.stop();
    }
  }, 120_000);
});
