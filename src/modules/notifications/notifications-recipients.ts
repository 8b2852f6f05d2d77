// Who a message is mailed to (decision 0027): the contacts of its account with a role the program
// mails its type to, and for a redemption waiting for approval its approvers (decision 0031).
import type { MailedType, NoticeKind } from '../../core/notifications/mail.ts';
import type { Executor } from '../../db/client.ts';
import { newId } from '../../lib/ids.ts';
import { contactsOfAccount } from '../contacts/contacts-reads.ts';
import type { MessageRow } from '../outbox/outbox-service.ts';
import type { ProgramService } from '../programs/programs-service.ts';
import { notificationPolicy } from './notifications-settings.ts';
import { type NewMailRow, optedOutAmong } from './notifications-store.ts';

/** The account a message is about (ledger, tiers and memberships say it; a redemption carries it). */
export function accountOf(message: MessageRow): string | null {
  const p = message.payload as Record<string, unknown>;
  if (typeof p.accountId === 'string') return p.accountId;
  const r = p.redemption as Record<string, unknown> | undefined;
  return typeof r?.accountId === 'string' ? r.accountId : null;
}

/**
 * The mails a message makes: one per contact of its account with a role the program mails its type
 * to; and for a redemption waiting for approval, one per approver (`redemption.approval_needed`),
 * never to the contact who requested it (nobody approves their own request).
 */
export async function mailsOfMessage(
  deps: { programs: ProgramService },
  tx: Executor,
  message: MessageRow,
): Promise<NewMailRow[]> {
  const program = await deps.programs.get(message.programId, tx);
  const { mail } = notificationPolicy(program);
  const accountId = accountOf(message);
  if (!accountId) return [];
  const redemption = (message.payload as { redemption?: { status?: string; contactId?: string | null } })
    .redemption;
  const kinds: Array<{ kind: NoticeKind; roles: string[] | undefined; except: string | null }> = [
    { kind: message.type as MailedType, roles: mail[message.type as MailedType], except: null },
  ];
  if (message.type === 'redemption.requested' && redemption?.status === 'pending_approval')
    kinds.push({
      kind: 'redemption.approval_needed',
      roles: mail['redemption.approval_needed'],
      except: redemption.contactId ?? null,
    });
  const rows: NewMailRow[] = [];
  for (const { kind, roles, except } of kinds) {
    if (!roles || roles.length === 0) continue;
    const recipients = (await contactsOfAccount(tx, message.programId, accountId, roles)).filter(
      (c) => c.id !== except,
    );
    const out = await optedOutAmong(
      tx,
      message.programId,
      recipients.map((c) => c.id),
    );
    for (const c of recipients)
      if (!out.has(c.id))
        rows.push({
          programId: message.programId,
          id: newId('ntm'),
          key: kind === message.type ? `${message.id}:${c.id}` : `${message.id}:${kind}:${c.id}`,
          kind,
          contactId: c.id,
          accountId,
          messageId: message.id,
        });
  }
  return rows;
}
