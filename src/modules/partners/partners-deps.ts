// What every partners use case shares: the service's dependencies and the views it answers.
import { systemActor } from '../../core/access.ts';
import type { Database } from '../../db/client.ts';
import type { AccountService } from '../accounts/accounts-service.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { ContactService } from '../contacts/contacts-service.ts';
import type { EventTypeService } from '../event-types/event-types-service.ts';
import type { EventService } from '../events/events-service.ts';
import type { LedgerService } from '../ledger/ledger-service.ts';
import type { OutboxService } from '../outbox/outbox-service.ts';
import type { ProgramService } from '../programs/programs-service.ts';
import type { ClaimRow, ReferralCodeRow, ReferralProgramRow, ReferralRow } from './partners-store.ts';

/** What the partners use cases are given (built once by createPartnerService). */
export interface PartnerDeps {
  database: Database;
  programs: ProgramService;
  accounts: AccountService;
  contacts: ContactService;
  eventTypes: EventTypeService;
  ledger: LedgerService;
  audit: AuditService;
  outbox?: Pick<OutboxService, 'emit'>;
  /** Event ingestion (a module of a lower rank; an approved claim becomes an event). */
  ingest: EventService['ingest'];
}

/** Who automatic attributions and conversions (from events) are recorded as. */
export const REFERRALS_JOB = systemActor('referrals');

export function toReferralProgram(row: ReferralProgramRow) {
  return {
    code: row.code,
    active: row.active,
    ...row.document,
    landingUrl: row.document.landingUrl ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
export type ReferralProgramView = ReturnType<typeof toReferralProgram>;

export function toCode(row: ReferralCodeRow) {
  return {
    code: row.code,
    referralProgram: row.referralProgram,
    accountId: row.accountId,
    campaign: row.campaign,
    active: row.active,
    createdAt: row.createdAt.toISOString(),
    deactivatedAt: row.deactivatedAt?.toISOString() ?? null,
  };
}

/** A referral as read at `now`: a pending one past its conversion deadline reads as expired. */
export function toReferral(row: ReferralRow, now = new Date()) {
  const expired = row.status === 'pending' && row.convertBy.getTime() <= now.getTime();
  return {
    id: row.id,
    referralProgram: row.referralProgram,
    code: row.code,
    campaign: row.campaign,
    referrerAccountId: row.referrerAccountId,
    referrerContactId: row.referrerContactId,
    referredAccountId: row.referredAccountId,
    status: expired ? 'expired' : row.status,
    findings: row.findings,
    via: row.via,
    sourceEventId: row.sourceEventId,
    attributedAt: row.attributedAt.toISOString(),
    convertBy: row.convertBy.toISOString(),
    conversionEventId: row.conversionEventId,
    convertedAt: row.convertedAt?.toISOString() ?? null,
    referrerEntryId: row.referrerEntryId,
    referredEntryId: row.referredEntryId,
    decidedBy: row.decidedBy,
    decidedAt: row.decidedAt?.toISOString() ?? null,
    decisionReason: row.decisionReason,
    createdAt: row.createdAt.toISOString(),
  };
}
export type ReferralView = ReturnType<typeof toReferral>;

export function toClaim(row: ClaimRow) {
  return {
    id: row.id,
    accountId: row.accountId,
    contactId: row.contactId,
    invoiceNumber: row.invoiceNumber,
    invoiceDate: row.invoiceDate,
    amount: row.amount,
    currency: row.currency,
    customerName: row.customerName,
    lines: row.lines,
    documentUrl: row.documentUrl,
    status: row.status,
    submittedBy: row.submittedBy,
    submittedAt: row.submittedAt.toISOString(),
    decidedBy: row.decidedBy,
    decidedAt: row.decidedAt?.toISOString() ?? null,
    decisionReason: row.decisionReason,
    eventId: row.eventId,
    awarded: row.awarded,
  };
}
export type ClaimView = ReturnType<typeof toClaim>;
