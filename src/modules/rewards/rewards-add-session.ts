// The dates (sessions) of an experience or session reward, each with its capacity.
import type { Actor } from '../../core/access.ts';
import { newId } from '../../lib/ids.ts';
import { checkFields, toDate, unfitForReward } from './rewards-checks.ts';
import type { CreateSessionInput } from './rewards-schemas.ts';
import type { RewardDeps } from './rewards-service.ts';
import { insertSession, listSessions } from './rewards-store.ts';
import { loadReward, type Session, toSession } from './rewards-view.ts';

export async function addSession(
  d: RewardDeps,
  programId: string,
  id: string,
  input: CreateSessionInput,
  actor: Actor,
): Promise<Session> {
  const reward = await loadReward(d, programId, id);
  const fields: Record<string, string> = {};
  if (input.endsAt && new Date(input.endsAt) <= new Date(input.startsAt))
    fields.endsAt = 'must be after startsAt';
  if (reward.stockKind !== 'sessions')
    throw unfitForReward(`the reward's stock is ${reward.stockKind}, not sessions`, fields);
  checkFields(fields);
  const row = await d.database.transaction(async (tx) => {
    const created = await insertSession(tx, {
      programId,
      id: newId('ses'),
      rewardId: id,
      name: input.name ?? null,
      startsAt: new Date(input.startsAt),
      endsAt: toDate(input.endsAt) ?? null,
      capacity: input.capacity,
    });
    await d.audit.record(tx, programId, {
      actor,
      action: 'reward.add_session',
      resourceType: 'reward',
      resourceId: id,
      after: created,
    });
    return created;
  });
  return toSession(row);
}

/** A reward's sessions, past and upcoming, with the places left. */
export async function rewardSessions(d: RewardDeps, programId: string, id: string): Promise<Session[]> {
  await loadReward(d, programId, id);
  return (await listSessions(d.database.db, programId, [id])).map(toSession);
}
