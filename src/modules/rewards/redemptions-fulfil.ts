// Fulfilment of a manual or webhook reward, reported by the operator (or its system): shipped,
// delivered, or failed (the points are refunded, the unit or place given back).

import { type Redemption, viewRedemption } from './redemptions-list.ts';
import type { FulfilInput } from './redemptions-schemas.ts';
import type { RedemptionActor, RedemptionDeps } from './redemptions-service.ts';
import { updateRedemption } from './redemptions-store.ts';
import { allowed, record, transition, undo } from './redemptions-transition.ts';

/** The operator (or its system, for webhook rewards) reports shipment or delivery. */
export async function fulfilRedemption(
  d: RedemptionDeps,
  programId: string,
  id: string,
  input: FulfilInput,
  by: RedemptionActor,
): Promise<Redemption> {
  const row = await transition(d, programId, id, async (tx, r, reward) => {
    const delivery = input.delivery ?? 'delivered';
    const status = allowed(r, reward, delivery === 'shipped' ? 'ship' : 'deliver');
    const tracking =
      input.carrier || input.trackingNumber || input.trackingUrl
        ? { carrier: input.carrier, number: input.trackingNumber, url: input.trackingUrl }
        : r.tracking;
    const after = await updateRedemption(tx, programId, r.id, {
      status,
      delivery,
      tracking,
      ...(input.note ? { note: input.note } : {}),
    });
    await record(
      d,
      tx,
      programId,
      by.actor,
      r.status === 'approved' ? 'redemption.fulfilled' : 'redemption.delivered',
      r,
      after,
      {
        delivery,
        ...(tracking ? { tracking } : {}),
      },
    );
    return after;
  });
  return viewRedemption(d, programId, row);
}

/** Fulfilment failed (supplier out of stock, parcel lost): the points are refunded, the unit or place given back. */
export async function failRedemption(
  d: RedemptionDeps,
  programId: string,
  id: string,
  reason: string,
  by: RedemptionActor,
): Promise<Redemption> {
  const row = await transition(d, programId, id, async (tx, r, reward) => {
    const status = allowed(r, reward, 'fail');
    return undo(d, tx, programId, r, reward, status, reason, by.actor);
  });
  return viewRedemption(d, programId, row);
}
