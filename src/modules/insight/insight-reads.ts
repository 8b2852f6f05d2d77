// What other modules read of insight (through ports wired in app/compose.ts, since insight comes
// after them): the RFM scores of accounts as rule conditions, challenge audiences and reward
// eligibility see them (`account.rfm`, decision 0039).
import { and, eq, inArray } from 'drizzle-orm';
import type { RfmFacts } from '../../core/rules/condition.ts';
import type { Executor } from '../../db/client.ts';
import { rfmScores } from './insight-tables.ts';

/** The scores of these accounts as of the program's last refresh; an account never scored is absent. */
export async function rfmFactsOf(
  db: Executor,
  programId: string,
  accountIds: string[],
): Promise<Map<string, RfmFacts>> {
  const found = new Map<string, RfmFacts>();
  const ids = [...new Set(accountIds)];
  for (let i = 0; i < ids.length; i += 1000) {
    const rows = await db
      .select({
        accountId: rfmScores.accountId,
        segment: rfmScores.segment,
        r: rfmScores.r,
        f: rfmScores.f,
        m: rfmScores.m,
        churnRisk: rfmScores.churnRisk,
      })
      .from(rfmScores)
      .where(and(eq(rfmScores.programId, programId), inArray(rfmScores.accountId, ids.slice(i, i + 1000))));
    for (const { accountId, ...facts } of rows) found.set(accountId, facts);
  }
  return found;
}
