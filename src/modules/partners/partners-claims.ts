// Sales claims ("Sell & Earn"): a reseller's seller submits an invoice; a duplicate invoice number is
// refused naming the original; someone other than the submitter approves or rejects it (maker-checker).
// An approved claim becomes a `sales.claim_approved` event (id `claim:<claim id>`) that the earning
// rules turn into points or cash, so caps, tiers and explanations apply, and it is ingested once.
import { type Actor, actorName } from '../../core/access.ts';
import { type LocalDate, localDate } from '../../core/calendar.ts';
import { FidelisError, type FieldError, fieldError, fieldErrors } from '../../core/errors.ts';
import { formatAmount, parseAmount } from '../../core/money.ts';
import { fetchPage } from '../../core/pagination.ts';
import { normaliseInvoice } from '../../core/partners/referral.ts';
import { isCurrency } from '../../core/reference.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { newId } from '../../lib/ids.ts';
import { type PartnerDeps, toClaim } from './partners-deps.ts';
import { type NamedClaim, namedClaim, namedClaims } from './partners-names.ts';
import type { ClaimsQueryInput, SubmitClaimInput } from './partners-schemas.ts';
import { claimsSettings } from './partners-settings.ts';
import {
  type ClaimRow,
  claimByInvoice,
  findClaim,
  insertClaim,
  listClaims,
  lockClaim,
  updateClaim,
} from './partners-store.ts';
import type { ClaimLine } from './partners-tables.ts';

export const CLAIM_EVENT_TYPE = 'sales.claim_approved';

const DAY_MS = 86_400_000;

function existingClaim(row: ClaimRow | undefined, id: string): ClaimRow {
  if (!row) throw new FidelisError('claim_not_found', `No sales claim ${id}`);
  return row;
}

function duplicate(original: ClaimRow): FidelisError {
  return fieldError(
    'claim_duplicate',
    `Invoice ${original.invoiceNumber} was claimed already (claim ${original.id}, ${original.status})`,
    { invoiceNumber: `claimed already by ${original.id}` },
    { claimId: original.id },
  );
}

const dayNumber = (d: LocalDate) => Date.UTC(d.year, d.month - 1, d.day) / DAY_MS;

/** Amounts that parse and add up, an invoice date that is real, not ahead, and inside the window. */
function checkClaim(input: SubmitClaimInput, today: LocalDate, windowDays: number): FieldError[] {
  const errors: FieldError[] = [];
  if (!isCurrency(input.currency)) {
    errors.push({ path: '/currency', message: `unknown currency ${input.currency}` });
    return errors;
  }
  const parse = (value: string, path: string): bigint | null => {
    try {
      return parseAmount(value, input.currency);
    } catch (error) {
      errors.push({ path, message: (error as Error).message });
      return null;
    }
  };
  const total = parse(input.amount, '/amount');
  const lines = input.lines.map((l, i) => parse(l.amount, `/lines/${i}/amount`));
  if (total !== null && lines.every((l) => l !== null)) {
    const sum = lines.reduce<bigint>((a, b) => a + (b as bigint), 0n);
    if (sum !== total)
      errors.push({
        path: '/lines',
        message: `the lines add up to ${formatAmount(sum, input.currency)}, not ${formatAmount(total, input.currency)}`,
      });
  }
  const [y, m, d] = input.invoiceDate.split('-').map(Number) as [number, number, number];
  const real = new Date(Date.UTC(y, m - 1, d));
  if (real.getUTCFullYear() !== y || real.getUTCMonth() !== m - 1 || real.getUTCDate() !== d) {
    errors.push({ path: '/invoiceDate', message: `${input.invoiceDate} is not a calendar date` });
  } else {
    const age = dayNumber(today) - dayNumber({ year: y, month: m, day: d });
    if (age < 0) errors.push({ path: '/invoiceDate', message: 'is after today' });
    else if (age > windowDays)
      errors.push({
        path: '/invoiceDate',
        message: `is ${age} days ago; claims are taken within ${windowDays} days of the invoice`,
      });
  }
  return errors;
}

export async function submitClaim(
  deps: PartnerDeps,
  programId: string,
  input: SubmitClaimInput,
  actor: Actor,
  now = new Date(),
): Promise<NamedClaim> {
  const program = await deps.programs.get(programId);
  const account = await deps.accounts.resolve(programId, input.account);
  const errors = checkClaim(
    input,
    localDate(now, program.timeZone),
    claimsSettings(program.settings).submissionWindowDays,
  );
  if (errors.length > 0) throw fieldErrors('validation_failed', errors);
  if (input.contact !== undefined) {
    const contact = await deps.contacts.get(programId, input.contact);
    if (contact.accountId !== account.id)
      throw fieldError('validation_failed', `The contact ${contact.id} is not a contact of ${account.id}`, {
        contact: 'is not a contact of the account',
      });
  }
  const invoiceKey = normaliseInvoice(input.invoiceNumber);
  const original = await claimByInvoice(deps.database.db, programId, invoiceKey);
  if (original) throw duplicate(original);
  const lines: ClaimLine[] = input.lines.map((l) => ({
    sku: l.sku,
    quantity: l.quantity,
    amount: l.amount,
    attributes: l.attributes ?? {},
  }));
  try {
    const submitted = await deps.database.transaction(async (tx) => {
      const view = toClaim(
        await insertClaim(tx, {
          programId,
          id: newId('clm'),
          accountId: account.id,
          contactId: input.contact ?? null,
          invoiceNumber: input.invoiceNumber.trim(),
          invoiceKey,
          invoiceDate: input.invoiceDate,
          amount: input.amount,
          currency: input.currency,
          lines,
          customerName: input.customerName ?? null,
          documentUrl: input.documentUrl ?? null,
          status: 'submitted',
          submittedBy: actorName(actor),
          submittedAt: now,
        }),
      );
      await deps.audit.record(tx, programId, {
        actor,
        action: 'claim.submit',
        resourceType: 'sales_claim',
        resourceId: view.id,
        after: view,
      });
      await deps.outbox?.emit(tx, programId, [{ type: 'claim.submitted', payload: view }]);
      return view;
    });
    return await namedClaim(deps, programId, submitted);
  } catch (error) {
    if (isUniqueViolation(error, 'sales_claims_invoice_uq')) {
      const winner = await claimByInvoice(deps.database.db, programId, invoiceKey);
      if (winner) throw duplicate(winner);
    }
    throw error;
  }
}

/** Maker-checker: whoever submitted a claim does not decide on it. */
function checkDecider(claim: ClaimRow, actor: Actor): void {
  if (actorName(actor) === claim.submittedBy)
    throw new FidelisError(
      'claim_approver_not_allowed',
      `${claim.submittedBy} submitted claim ${claim.id} and cannot decide on it; another approver must`,
    );
}

/**
 * Ingests the approved claim's event (once per claim: its id is derived from the claim, and its
 * content from what the approval stored, so a retry is a replay) and records what it earned.
 */
async function settle(
  deps: PartnerDeps,
  programId: string,
  claim: ClaimRow,
  actor: Actor,
): Promise<ClaimRow> {
  const eventId = `claim:${claim.id}`;
  const { event } = await deps.ingest(
    programId,
    {
      id: eventId,
      type: CLAIM_EVENT_TYPE,
      account: claim.accountId,
      ...(claim.contactId ? { contact: claim.contactId } : {}),
      occurredAt: claim.decidedAt!.toISOString(),
      amount: claim.amount,
      currency: claim.currency,
      items: claim.lines.map((l) => ({
        sku: l.sku,
        quantity: l.quantity,
        amount: l.amount,
        attributes: l.attributes,
      })),
      references: { claimId: claim.id, invoiceNumber: claim.invoiceNumber },
      attributes: { invoiceDate: claim.invoiceDate },
    },
    actor,
  );
  const awarded = { ...event.result.totals };
  return (await updateClaim(deps.database.db, programId, claim.id, { eventId, awarded }))!;
}

export async function approveClaim(
  deps: PartnerDeps,
  programId: string,
  id: string,
  input: { reason?: string },
  actor: Actor,
  now = new Date(),
): Promise<NamedClaim> {
  const seen = existingClaim(await findClaim(deps.database.db, programId, id), id);
  checkDecider(seen, actor);
  // Approved before, but its event did not land (a crash between the two): only the event is retried.
  if (seen.status === 'approved' && seen.eventId === null)
    return namedClaim(deps, programId, toClaim(await settle(deps, programId, seen, actor)));
  const approved = await deps.database.transaction(async (tx) => {
    const before = existingClaim(await lockClaim(tx, programId, id), id);
    if (before.status !== 'submitted')
      throw new FidelisError('claim_state_conflict', `The claim is ${before.status}, not submitted`);
    const row = (await updateClaim(tx, programId, id, {
      status: 'approved',
      decidedBy: actorName(actor),
      decidedAt: now,
      decisionReason: input.reason ?? null,
    }))!;
    await deps.audit.record(tx, programId, {
      actor,
      action: 'claim.approve',
      resourceType: 'sales_claim',
      resourceId: id,
      before: toClaim(before),
      after: toClaim(row),
    });
    await deps.outbox?.emit(tx, programId, [{ type: 'claim.approved', payload: toClaim(row) }]);
    return row;
  });
  return namedClaim(deps, programId, toClaim(await settle(deps, programId, approved, actor)));
}

export async function rejectClaim(
  deps: PartnerDeps,
  programId: string,
  id: string,
  input: { reason?: string },
  actor: Actor,
  now = new Date(),
): Promise<NamedClaim> {
  const seen = existingClaim(await findClaim(deps.database.db, programId, id), id);
  checkDecider(seen, actor);
  const rejected = await deps.database.transaction(async (tx) => {
    const before = existingClaim(await lockClaim(tx, programId, id), id);
    if (before.status !== 'submitted')
      throw new FidelisError('claim_state_conflict', `The claim is ${before.status}, not submitted`);
    const row = (await updateClaim(tx, programId, id, {
      status: 'rejected',
      decidedBy: actorName(actor),
      decidedAt: now,
      decisionReason: input.reason ?? null,
    }))!;
    const after = toClaim(row);
    await deps.audit.record(tx, programId, {
      actor,
      action: 'claim.reject',
      resourceType: 'sales_claim',
      resourceId: id,
      before: toClaim(before),
      after,
    });
    await deps.outbox?.emit(tx, programId, [{ type: 'claim.rejected', payload: after }]);
    return after;
  });
  return namedClaim(deps, programId, rejected);
}

export async function getClaim(deps: PartnerDeps, programId: string, id: string) {
  return namedClaim(
    deps,
    programId,
    toClaim(existingClaim(await findClaim(deps.database.db, programId, id), id)),
  );
}

export async function claimsOf(deps: PartnerDeps, programId: string, query: ClaimsQueryInput) {
  const filters = { status: query.status, accountId: await deps.accounts.idOf(programId, query.account) };
  const page = await fetchPage(
    query,
    (after, limit) => listClaims(deps.database.db, programId, filters, after, limit),
    toClaim,
  );
  return { ...page, data: await namedClaims(deps, programId, page.data) };
}
