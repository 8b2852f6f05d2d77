// Adding a reward to the catalog.
import type { Actor } from '../../core/access.ts';
import { newId } from '../../lib/ids.ts';
import { checkFields, conversionProblems, moneyProblems, toDate } from './rewards-checks.ts';
import { currencyValueProblems } from './rewards-currencies.ts';
import type { CreateRewardInput } from './rewards-schemas.ts';
import type { RewardDeps } from './rewards-service.ts';
import { insertReward } from './rewards-store.ts';
import type { FulfilmentMethod, RewardEligibility, RewardLimits } from './rewards-tables.ts';
import { type Reward, viewReward } from './rewards-view.ts';

/** What schemas cannot check: known currencies, the window's order, fulfilment that fits the stock. */
function checkCreate(input: CreateRewardInput): FulfilmentMethod {
  const fields = {
    ...moneyProblems(input),
    ...conversionProblems({ ...input, stockKind: input.stock.kind }),
    ...currencyValueProblems(input),
  };
  if (
    input.availableFrom &&
    input.availableUntil &&
    new Date(input.availableFrom) >= new Date(input.availableUntil)
  )
    fields.availableUntil = 'must be after availableFrom';
  const fulfilment = input.fulfilment ?? (input.stock.kind === 'codes' ? 'code_pool' : 'manual');
  if ((fulfilment === 'code_pool') !== (input.stock.kind === 'codes'))
    fields.fulfilment = 'code_pool fulfilment goes with stock of kind codes, and only with it';
  checkFields(fields);
  return fulfilment;
}

export async function createReward(
  d: RewardDeps,
  programId: string,
  input: CreateRewardInput,
  actor: Actor,
): Promise<Reward> {
  const fulfilment = checkCreate(input);
  const row = await d.database.transaction(async (tx) => {
    const created = await insertReward(tx, {
      programId,
      id: newId('rwd'),
      type: input.type,
      name: input.name.trim(),
      description: input.description ?? null,
      translations: input.translations ?? {},
      imageUrl: input.imageUrl ?? null,
      priceAmount: input.price.amount,
      priceUnit: input.price.unit,
      faceValueAmount: input.faceValue?.amount ?? null,
      faceValueCurrency: input.faceValue?.currency ?? null,
      currencyValues: input.currencyValues ?? [],
      stockKind: input.stock.kind,
      stockRemaining: input.stock.kind === 'counted' ? input.stock.quantity : null,
      lowStockThreshold: input.lowStockThreshold ?? null,
      availableFrom: toDate(input.availableFrom) ?? null,
      availableUntil: toDate(input.availableUntil) ?? null,
      eligibility: (input.eligibility ?? {}) as RewardEligibility,
      limits: (input.limits ?? {}) as RewardLimits,
      fulfilment,
    });
    await d.audit.record(tx, programId, {
      actor,
      action: 'reward.create',
      resourceType: 'reward',
      resourceId: created.id,
      after: created,
    });
    return created;
  });
  return viewReward(d, programId, row);
}
