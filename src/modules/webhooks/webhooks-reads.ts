// What other modules may read of webhooks: the outbox's subscriptions port (app/compose.ts wires it).
import type { Executor } from '../../db/client.ts';
import type { Subscriptions } from '../outbox/outbox-service.ts';
import { enabledEndpoints } from './webhooks-store.ts';

/** The message types the program's enabled endpoints receive (through the caller's executor). */
export async function subscriptionsOf(ex: Executor, programId: string): Promise<Subscriptions> {
  const endpoints = await enabledEndpoints(ex, programId);
  return {
    all: endpoints.some((e) => e.eventTypes.length === 0),
    types: new Set(endpoints.flatMap((e) => e.eventTypes)),
  };
}
