// Corrections of a balance by hand: a credit or a debit of type adjust, audited in its transaction.
import { type Actor, actorName } from '../../core/access.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { CreditInput, DebitInput, MovementInput, WriteResult } from './ledger-service.ts';

/** A movement by hand: its amount is signed (positive credits, negative debits). */
export type AdjustmentInput = Pick<
  MovementInput,
  'key' | 'account' | 'unit' | 'amount' | 'reasonCode' | 'explanation'
>;

/** What an adjustment uses: the ledger's own credit and debit, and the audit log. */
export interface AdjustDeps {
  credit: (programId: string, input: CreditInput) => Promise<WriteResult>;
  debit: (programId: string, input: DebitInput) => Promise<WriteResult>;
  audit: AuditService;
}

/** Corrects a balance (`ledger.adjust` in the audit log, the entry as written). */
export function adjustBalance(
  d: AdjustDeps,
  programId: string,
  input: AdjustmentInput,
  actor: Actor,
): Promise<WriteResult> {
  const movement = {
    key: input.key,
    account: input.account,
    unit: input.unit,
    amount: Math.abs(input.amount),
    reasonCode: input.reasonCode,
    explanation: input.explanation,
    sourceType: 'admin' as const,
    actor: actorName(actor),
    type: 'adjust' as const,
    afterWrite: (tx: Parameters<AuditService['record']>[0], entry: WriteResult['entry']) =>
      d.audit.record(tx, programId, {
        actor,
        action: 'ledger.adjust',
        resourceType: 'ledger_entry',
        resourceId: entry.id,
        after: entry,
      }),
  };
  return input.amount > 0 ? d.credit(programId, movement) : d.debit(programId, movement);
}
