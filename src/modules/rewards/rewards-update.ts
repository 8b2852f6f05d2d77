// Changing a reward: its texts, price, window, eligibility, limits, counted stock, or archiving it.
import type { Actor } from '../../core/access.ts';
import { FidelisError } from '../../core/errors.ts';
import { checkFields, conversionProblems, moneyProblems, toDate } from './rewards-checks.ts';
import { currencyValueProblems } from './rewards-currencies.ts';
import type { UpdateRewardInput } from './rewards-schemas.ts';
import type { RewardDeps } from './rewards-service.ts';
import { lockReward, type NewRewardRow, patchReward } from './rewards-store.ts';
import type { RewardEligibility, RewardLimits } from './rewards-tables.ts';
import { loadReward, type Reward, viewReward } from './rewards-view.ts';

export async function updateReward(
  d: RewardDeps,
  programId: string,
  id: string,
  input: UpdateRewardInput,
  actor: Actor,
): Promise<Reward> {
  const current = await loadReward(d, programId, id);
  const fields = moneyProblems(input);
  // A change of what it costs or credits (a cash payout made before conversions stays editable otherwise).
  if (input.price !== undefined || input.faceValue !== undefined)
    Object.assign(
      fields,
      conversionProblems({
        type: current.type,
        price: input.price ?? { amount: current.priceAmount, unit: current.priceUnit },
        faceValue:
          input.faceValue !== undefined
            ? input.faceValue
            : current.faceValueAmount !== null && current.faceValueCurrency !== null
              ? { amount: current.faceValueAmount, currency: current.faceValueCurrency }
              : null,
        stockKind: current.stockKind,
      }),
    );
  if (input.price !== undefined || input.faceValue !== undefined || input.currencyValues !== undefined)
    Object.assign(
      fields,
      currencyValueProblems({
        price: input.price ?? { amount: current.priceAmount, unit: current.priceUnit },
        faceValue:
          input.faceValue !== undefined
            ? input.faceValue
            : current.faceValueCurrency !== null
              ? { amount: current.faceValueAmount ?? 0, currency: current.faceValueCurrency }
              : null,
        currencyValues: input.currencyValues ?? current.currencyValues,
      }),
    );
  if (input.stockQuantity !== undefined && current.stockKind !== 'counted')
    fields.stockQuantity = `the reward's stock is ${current.stockKind}`;
  const from = input.availableFrom !== undefined ? toDate(input.availableFrom) : current.availableFrom;
  const until = input.availableUntil !== undefined ? toDate(input.availableUntil) : current.availableUntil;
  if (from && until && from >= until) fields.availableUntil = 'must be after availableFrom';
  checkFields(fields);
  const patch: Partial<NewRewardRow> = {};
  if (input.name !== undefined) patch.name = input.name.trim();
  if (input.description !== undefined) patch.description = input.description;
  if (input.translations !== undefined) patch.translations = input.translations;
  if (input.imageUrl !== undefined) patch.imageUrl = input.imageUrl;
  if (input.price !== undefined) {
    patch.priceAmount = input.price.amount;
    patch.priceUnit = input.price.unit;
  }
  if (input.faceValue !== undefined) {
    patch.faceValueAmount = input.faceValue?.amount ?? null;
    patch.faceValueCurrency = input.faceValue?.currency ?? null;
  }
  if (input.currencyValues !== undefined) patch.currencyValues = input.currencyValues;
  if (input.stockQuantity !== undefined) patch.stockRemaining = input.stockQuantity;
  if (input.lowStockThreshold !== undefined) patch.lowStockThreshold = input.lowStockThreshold;
  if (input.availableFrom !== undefined) patch.availableFrom = from ?? null;
  if (input.availableUntil !== undefined) patch.availableUntil = until ?? null;
  if (input.eligibility !== undefined) patch.eligibility = input.eligibility as RewardEligibility;
  if (input.limits !== undefined) patch.limits = input.limits as RewardLimits;
  if (input.status !== undefined) patch.status = input.status;
  const row = await d.database.transaction(async (tx) => {
    const before = await lockReward(tx, programId, id);
    if (!before) throw new FidelisError('reward_not_found', `No reward ${id}`);
    const after = (await patchReward(tx, programId, id, patch))!;
    await d.audit.record(tx, programId, {
      actor,
      action: 'reward.update',
      resourceType: 'reward',
      resourceId: id,
      before,
      after,
    });
    return after;
  });
  return viewReward(d, programId, row);
}
