// Rewards owed (decision 0053), SQL only: the completions and firings whose catalog reward was skipped
// and is neither issued since nor waived, over both tables, oldest first; and settling one of them.
import { and, eq, sql } from 'drizzle-orm';
import { type Executor, selectRows } from '../../db/client.ts';
import { automationFirings, challengeCompletions } from './engagement-tables.ts';

/** Where a completion or firing is: its key's parts (`challenge:<code>:<account or contact>:<window>`, `automation:<code>:<subject>:<occurrence>`). */
export type OwedRef =
  | { source: 'challenge'; code: string; subjectId: string; windowKey: string }
  | { source: 'automation'; code: string; subjectId: string; occurrence: string };

/** A completion or firing as the rewards-owed views read it (owed or settled). */
export interface OwedRow {
  source: 'challenge' | 'automation';
  key: string;
  code: string;
  accountId: string;
  contactId: string | null;
  occurrence: string;
  /** When the completion was recorded or the firing fired: since when the reward is owed. */
  since: Date;
  explanation: string | null;
  rewardId: string | null;
  rewardSkipped: string | null;
  redemptionId: string | null;
  rewardIssuedAt: Date | null;
  rewardWaivedAt: Date | null;
  rewardWaivedReason: string | null;
}

const OWED = (t: string) =>
  sql.raw(`${t}.reward_skipped is not null and ${t}.redemption_id is null and ${t}.reward_waived_at is null`);

const rows = (programId: string) => sql`
  select 'challenge' as source,
         'challenge:' || c.challenge_code || ':' || c.subject_id || ':' || c.window_key as key,
         c.challenge_code as code, c.account_id, c.contact_id, c.window_key as occurrence,
         c.recorded_at as since, null::text as explanation, c.reward_id, c.reward_skipped, c.redemption_id,
         c.reward_issued_at, c.reward_waived_at, c.reward_waived_reason
    from challenge_completions c where c.program_id = ${programId} and ${OWED('c')}
  union all
  select 'automation',
         'automation:' || f.automation_code || ':' || f.subject_id || ':' || f.occurrence,
         f.automation_code, f.account_id, f.contact_id, f.occurrence, f.fired_at, f.explanation, f.reward_id,
         f.reward_skipped, f.redemption_id, f.reward_issued_at, f.reward_waived_at, f.reward_waived_reason
    from automation_firings f where f.program_id = ${programId} and ${OWED('f')}`;

function toRow(r: Record<string, unknown>): OwedRow {
  const date = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string | Date));
  return {
    source: r.source as OwedRow['source'],
    key: String(r.key),
    code: String(r.code),
    accountId: String(r.account_id),
    contactId: (r.contact_id as string | null) ?? null,
    occurrence: String(r.occurrence),
    since: date(r.since)!,
    explanation: (r.explanation as string | null) ?? null,
    rewardId: (r.reward_id as string | null) ?? null,
    rewardSkipped: (r.reward_skipped as string | null) ?? null,
    redemptionId: (r.redemption_id as string | null) ?? null,
    rewardIssuedAt: date(r.reward_issued_at),
    rewardWaivedAt: date(r.reward_waived_at),
    rewardWaivedReason: (r.reward_waived_reason as string | null) ?? null,
  };
}

/** The rewards owed, oldest first (by since, then key), after `after`, at most `limit`. */
export async function listOwed(
  db: Executor,
  programId: string,
  filter: { accountId?: string; rewardIds?: string[]; after?: { since: Date; key: string } },
  limit: number,
): Promise<OwedRow[]> {
  const { accountId, rewardIds, after } = filter;
  if (rewardIds !== undefined && rewardIds.length === 0) return [];
  const found = await selectRows<Record<string, unknown>>(
    db,
    sql`select * from (${rows(programId)}) o
         where true
           ${accountId === undefined ? sql`` : sql`and o.account_id = ${accountId}`}
           ${
             rewardIds === undefined
               ? sql``
               : sql`and o.reward_id in (${sql.join(
                   rewardIds.map((id) => sql`${id}`),
                   sql`, `,
                 )})`
           }
           ${after === undefined ? sql`` : sql`and (o.since, o.key) > (${after.since.toISOString()}::timestamptz, ${after.key})`}
         order by o.since, o.key limit ${limit}`,
  );
  return found.map(toRow);
}

/** The rewards the owed completions and firings name (each once). */
export async function owedRewardIds(db: Executor, programId: string): Promise<string[]> {
  const found = await selectRows<{ reward_id: string }>(
    db,
    sql`select distinct reward_id from (${rows(programId)}) o where reward_id is not null order by reward_id`,
  );
  return found.map((r) => r.reward_id);
}

/** The completion or firing a key names, owed or not (callers hold the advisory lock on its key). */
export async function findOwed(db: Executor, programId: string, ref: OwedRef): Promise<OwedRow | undefined> {
  if (ref.source === 'challenge') {
    const [c] = await db
      .select()
      .from(challengeCompletions)
      .where(
        and(
          eq(challengeCompletions.programId, programId),
          eq(challengeCompletions.challengeCode, ref.code),
          eq(challengeCompletions.subjectId, ref.subjectId),
          eq(challengeCompletions.windowKey, ref.windowKey),
        ),
      );
    if (!c) return undefined;
    return {
      source: 'challenge',
      key: `challenge:${c.challengeCode}:${c.subjectId}:${c.windowKey}`,
      code: c.challengeCode,
      accountId: c.accountId,
      contactId: c.contactId,
      occurrence: c.windowKey,
      since: c.recordedAt,
      explanation: null,
      ...owedPart(c),
    };
  }
  const [f] = await db
    .select()
    .from(automationFirings)
    .where(
      and(
        eq(automationFirings.programId, programId),
        eq(automationFirings.automationCode, ref.code),
        eq(automationFirings.subjectId, ref.subjectId),
        eq(automationFirings.occurrence, ref.occurrence),
      ),
    );
  if (!f) return undefined;
  return {
    source: 'automation',
    key: `automation:${f.automationCode}:${f.subjectId}:${f.occurrence}`,
    code: f.automationCode,
    accountId: f.accountId,
    contactId: f.contactId,
    occurrence: f.occurrence,
    since: f.firedAt,
    explanation: f.explanation,
    ...owedPart(f),
  };
}

function owedPart(r: typeof challengeCompletions.$inferSelect | typeof automationFirings.$inferSelect) {
  return {
    rewardId: r.rewardId,
    rewardSkipped: r.rewardSkipped,
    redemptionId: r.redemptionId,
    rewardIssuedAt: r.rewardIssuedAt,
    rewardWaivedAt: r.rewardWaivedAt,
    rewardWaivedReason: r.rewardWaivedReason,
  };
}

/** Records on the completion or firing how its owed reward was settled: issued later, or waived. */
export async function settleOwed(
  db: Executor,
  programId: string,
  ref: OwedRef,
  patch:
    | { redemptionId: string; rewardIssuedAt: Date }
    | { rewardWaivedAt: Date; rewardWaivedReason: string },
): Promise<void> {
  if (ref.source === 'challenge') {
    await db
      .update(challengeCompletions)
      .set(patch)
      .where(
        and(
          eq(challengeCompletions.programId, programId),
          eq(challengeCompletions.challengeCode, ref.code),
          eq(challengeCompletions.subjectId, ref.subjectId),
          eq(challengeCompletions.windowKey, ref.windowKey),
        ),
      );
    return;
  }
  await db
    .update(automationFirings)
    .set(patch)
    .where(
      and(
        eq(automationFirings.programId, programId),
        eq(automationFirings.automationCode, ref.code),
        eq(automationFirings.subjectId, ref.subjectId),
        eq(automationFirings.occurrence, ref.occurrence),
      ),
    );
}
