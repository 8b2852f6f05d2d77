// The demo catalog's everyday items beside the voucher and the tool kit: a cap anyone can take, a
// trip out of most members' reach (to show why not), and a points-to-cash conversion (decision
// 0054) that one partner has used, so its cash wallet shows the converted euros.
import type { Actor } from '../../core/access.ts';
import type { RedemptionService } from '../rewards/redemptions-service.ts';
import type { RewardService } from '../rewards/rewards-service.ts';

export async function loadCatalogDemo(
  rewards: RewardService,
  redemptions: RedemptionService,
  programId: string,
  converter: string,
  actor: Actor,
): Promise<void> {
  await rewards.create(
    programId,
    {
      type: 'merchandise',
      name: 'Branded cap',
      translations: {
        id: { name: 'Topi' },
        pl: { name: 'Czapka' },
        fa: { name: 'کلاه' },
        th: { name: 'หมวก' },
      },
      price: { amount: 300, unit: 'points' },
      stock: { kind: 'unlimited' },
    },
    actor,
  );
  // Out of most members' reach, to show why not: "needs Gold", "… points short".
  await rewards.create(
    programId,
    {
      type: 'experience',
      name: 'Trade fair trip for two',
      translations: { pl: { name: 'Wyjazd na targi dla dwojga' } },
      price: { amount: 25000, unit: 'points' },
      stock: { kind: 'counted', quantity: 4 },
      eligibility: { tiers: ['gold', 'platinum'] },
    },
    actor,
  );
  const cash = await rewards.create(
    programId,
    {
      type: 'cash_payout',
      name: '€10 to your cash wallet',
      description: '1,000 points converted to €10 of cash, paid out with your cashback',
      translations: { pl: { name: '10 € na Twój portfel gotówkowy' } },
      price: { amount: 1000, unit: 'points' },
      faceValue: { amount: 1000, currency: 'EUR' },
      stock: { kind: 'unlimited' },
    },
    actor,
  );
  await redemptions.request(
    programId,
    { reward: cash.id, account: converter, note: 'Converted for the service van fund' },
    { actor, admin: true },
    `demo:conversion:${converter}`,
  );
}
