// The charities a program lists for donations: add, change or archive, read.
import type { Actor } from '../../core/access.ts';
import { FidelisError } from '../../core/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { CreateCharityInput, UpdateCharityInput } from './cashback-schemas.ts';
import type { CashbackDeps } from './cashback-service.ts';
import {
  type CharityRow,
  findCharity,
  insertCharity,
  listCharities,
  patchCharity,
} from './cashback-store.ts';

export function toCharity(c: CharityRow) {
  return {
    id: c.id,
    name: c.name,
    description: c.description,
    url: c.url,
    status: c.status,
    createdAt: c.createdAt.toISOString(),
  };
}
export type Charity = ReturnType<typeof toCharity>;

export async function loadCharity(d: CashbackDeps, programId: string, id: string): Promise<CharityRow> {
  const row = await findCharity(d.database.db, programId, id);
  if (!row) throw new FidelisError('charity_not_found', `No charity ${id}`);
  return row;
}

export async function createCharity(
  d: CashbackDeps,
  programId: string,
  input: CreateCharityInput,
  actor: Actor,
): Promise<Charity> {
  const row = await d.database.transaction(async (tx) => {
    const created = await insertCharity(tx, {
      programId,
      id: newId('chr'),
      name: input.name.trim(),
      description: input.description ?? null,
      url: input.url ?? null,
    });
    await d.audit.record(tx, programId, {
      actor,
      action: 'charity.create',
      resourceType: 'charity',
      resourceId: created.id,
      after: created,
    });
    return created;
  });
  return toCharity(row);
}

export async function updateCharity(
  d: CashbackDeps,
  programId: string,
  id: string,
  input: UpdateCharityInput,
  actor: Actor,
): Promise<Charity> {
  const row = await d.database.transaction(async (tx) => {
    const before = await findCharity(tx, programId, id);
    if (!before) throw new FidelisError('charity_not_found', `No charity ${id}`);
    const after = (await patchCharity(tx, programId, id, {
      ...(input.name !== undefined && { name: input.name.trim() }),
      ...(input.description !== undefined && { description: input.description }),
      ...(input.url !== undefined && { url: input.url }),
      ...(input.status !== undefined && { status: input.status }),
    }))!;
    await d.audit.record(tx, programId, {
      actor,
      action: 'charity.update',
      resourceType: 'charity',
      resourceId: id,
      before,
      after,
    });
    return after;
  });
  return toCharity(row);
}

export async function getCharity(d: CashbackDeps, programId: string, id: string): Promise<Charity> {
  return toCharity(await loadCharity(d, programId, id));
}

export async function allCharities(d: CashbackDeps, programId: string): Promise<Charity[]> {
  return (await listCharities(d.database.db, programId)).map(toCharity);
}
