// The member's points history (decision 0019) in the member's language: lifecycle automations'
// explanations ("Happy birthday, Inge — 2026") are written in it (`explanationIn`, the words of
// core/engagement/automation-words.ts in the five languages statements have); other lines, and a line
// it cannot read, as written. The language: the one asked (`locale`, as the portal's other pages take
// it) when it has words, else the contact's, else the program's, else English. The ledger keeps the line as written.
import { explanationIn } from '../../core/engagement/automation-words.ts';
import { mailLocale } from '../../core/notifications/mail.ts';
import type { Contact } from '../contacts/contacts-schemas.ts';
import type { LedgerService } from '../ledger/ledger-service.ts';
import type { ProgramService } from '../programs/programs-service.ts';

export async function memberHistory(
  deps: { ledger: LedgerService; programs: ProgramService },
  programId: string,
  contact: Contact,
  query: { type?: string; from?: string; to?: string; limit?: number; cursor?: string; locale?: string },
) {
  const page = await deps.ledger.history(programId, contact.accountId, 'points', {
    type: query.type,
    from: query.from === undefined ? undefined : new Date(query.from),
    to: query.to === undefined ? undefined : new Date(query.to),
    limit: query.limit,
    cursor: query.cursor,
  });
  const program = await deps.programs.get(programId);
  const locale = mailLocale(query.locale, mailLocale(contact.locale, program.defaultLocale));
  return {
    ...page,
    data: page.data.map((line) => ({
      ...line,
      explanation: explanationIn(locale, line.reasonCode, line.explanation),
    })),
  };
}
