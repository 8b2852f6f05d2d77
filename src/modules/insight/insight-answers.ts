// A survey answer stored with its announcement (survey.answered), in one transaction.
import { categoryOf } from '../../core/insight/nps.ts';
import type { Database } from '../../db/client.ts';
import type { OutboxService } from '../outbox/outbox-service.ts';
import { surveyAnswers } from './insight-tables.ts';

export type NewAnswerRow = typeof surveyAnswers.$inferInsert & { answeredAt: Date; score: number };

/** Stores the answer unless the respondent answered already (false), and announces it. */
export async function insertAnswer(
  deps: { database: Database; outbox?: Pick<OutboxService, 'emit'> },
  row: NewAnswerRow,
  anonymous: boolean,
): Promise<boolean> {
  return deps.database.transaction(async (tx) => {
    const rows = await tx
      .insert(surveyAnswers)
      .values(row)
      .onConflictDoNothing()
      .returning({ id: surveyAnswers.id });
    if (rows.length === 0) return false;
    await deps.outbox?.emit(tx, row.programId, [
      {
        type: 'survey.answered',
        payload: {
          surveyId: row.surveyId,
          answerId: row.id,
          score: row.score,
          category: categoryOf(row.score),
          anonymous,
          accountId: row.accountId ?? null,
          contactId: row.contactId ?? null,
          via: row.via,
          answeredAt: row.answeredAt.toISOString(),
        },
      },
    ]);
    return true;
  });
}
