// Firing lifecycle automations (defined in engagement-automations.ts). The module's due run fires them
// as of its `asOf`, in the program's time zone. Each occurrence has a key (automation, subject,
// occurrence: the year of a birthday or anniversary, the milestone, the instant a lapse began): under
// an advisory lock on it, the firing row, the ledger credits (same key), the badge award (same key) and
// the catalog reward issued free (same key) are written once, however late, often or concurrently the
// run looks. What is due is found by engagement-occurrences.ts.
import { type Actor, actorName } from '../../core/access.ts';
import { minorDigits, parseDecimal } from '../../core/money.ts';
import { advisoryLock } from '../../db/client.ts';
import { newId } from '../../lib/ids.ts';
import type { Program } from '../programs/programs-schemas.ts';
import { expiryOf } from './engagement-badges.ts';
import type { EngagementDeps } from './engagement-deps.ts';
import { issueCatalogReward } from './engagement-free-reward.ts';
import { type Occurrence, occurrences } from './engagement-occurrences.ts';
import {
  type AutomationRow,
  allAutomations,
  findBadge,
  findFiring,
  insertAwardOnce,
  insertFiring,
} from './engagement-store.ts';

/** A decimal in a currency ("25.5" in EUR) as minor units (2550); validated when the automation was written. */
function toMinor(amount: string, currency: string): number {
  const { numerator, denominator } = parseDecimal(amount);
  return Number((numerator * 10n ** BigInt(minorDigits(currency))) / denominator);
}

/**
 * Fires one occurrence once: under an advisory lock on its key, the firing is written with its
 * ledger credit (same key) and its badge award (same key) unless it exists already. Answers whether
 * it was new.
 */
async function fire(
  deps: EngagementDeps,
  programId: string,
  automation: AutomationRow,
  o: Occurrence,
  actor: Actor,
  now: Date,
): Promise<boolean> {
  const { database, ledger } = deps;
  const doc = automation.document;
  const key = `automation:${automation.code}:${o.subjectId}:${o.occurrence}`;
  if (await findFiring(database.db, programId, automation.code, o.subjectId, o.occurrence)) return false;
  const points = doc.effect.points ?? null;
  const prepared =
    points === null
      ? null
      : await ledger.prepareCredit(programId, {
          key,
          account: o.accountId,
          contactId: o.contactId ?? undefined,
          amount: points,
          type: 'earn',
          reasonCode: `automation_${doc.trigger.kind}`,
          explanation: o.explanation,
          sourceType: 'job',
          sourceId: automation.code,
          actor: actorName(actor),
        });
  // Cashback in the base currency, as its own credit of the cash wallet (key: the occurrence's).
  const currency =
    doc.effect.cashback === undefined ? null : (await deps.programs.get(programId)).baseCurrency;
  const cashback = currency === null ? null : toMinor(doc.effect.cashback!, currency);
  const cash =
    cashback === null
      ? null
      : await ledger.prepareCredit(programId, {
          key: `${key}:cashback`,
          account: o.accountId,
          contactId: o.contactId ?? undefined,
          amount: cashback,
          unit: currency!,
          type: 'earn',
          reasonCode: `automation_${doc.trigger.kind}`,
          explanation: o.explanation,
          sourceType: 'job',
          sourceId: automation.code,
          actor: actorName(actor),
        });
  const badge =
    doc.effect.badge === undefined ? undefined : await findBadge(database.db, programId, doc.effect.badge);
  return database.transaction(async (tx) => {
    await advisoryLock(tx, `engagement:${programId}:${key}`);
    if (await findFiring(tx, programId, automation.code, o.subjectId, o.occurrence)) return false;
    const entry = prepared === null ? null : (await ledger.writePrepared(tx, prepared)).entry;
    const cashEntry = cash === null ? null : (await ledger.writePrepared(tx, cash)).entry;
    const award = badge
      ? await insertAwardOnce(tx, {
          programId,
          id: newId('bga'),
          badgeCode: badge.code,
          accountId: o.accountId,
          contactId: o.contactId,
          awardedAt: now,
          expiresAt: expiryOf(badge, undefined, now),
          source: 'automation',
          sourceKey: key,
          note: o.explanation,
          actor: actorName(actor),
        })
      : undefined;
    const issued = await issueCatalogReward(
      deps,
      tx,
      programId,
      doc.effect.catalogReward,
      { accountId: o.accountId, contactId: o.contactId, key, note: o.explanation },
      actor,
    );
    await insertFiring(tx, {
      programId,
      automationCode: automation.code,
      subjectId: o.subjectId,
      occurrence: o.occurrence,
      accountId: o.accountId,
      contactId: o.contactId,
      occurredOn: o.occurredOn,
      firedAt: now,
      explanation: o.explanation,
      points,
      entryId: entry?.id ?? null,
      cashback,
      cashbackEntryId: cashEntry?.id ?? null,
      badgeAwardId: award?.id ?? null,
      ...issued,
    });
    return true;
  });
}

/**
 * Fires every enabled automation's occurrences due as of `asOf` (birthdays and anniversaries up to
 * LOOKBACK_DAYS late). Repeated or concurrent runs fire nothing twice. Answers how many fired.
 */
export async function runAutomations(
  deps: EngagementDeps,
  program: Program,
  asOf: Date,
  actor: Actor,
): Promise<number> {
  let fired = 0;
  for (const automation of await allAutomations(deps.database.db, program.id)) {
    if (!automation.document.enabled || asOf < new Date(automation.document.startsAt)) continue;
    await occurrences(deps, program, automation, asOf, async (o) => {
      if (await fire(deps, program.id, automation, o, actor, asOf)) fired++;
    });
  }
  return fired;
}
