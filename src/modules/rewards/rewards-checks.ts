// What the rewards module's use cases share: unit and date checks, the contact of an account, and
// field errors.
import { FidelisError, type FieldError, invalid } from '../../core/errors.ts';
import { isCurrency } from '../../core/reference.ts';
import type { Contact } from '../contacts/contacts-schemas.ts';
import type { ContactService } from '../contacts/contacts-service.ts';

/** "points", or a known currency: the unit of a wallet, a price or a donation. */
export function isUnit(unit: string): boolean {
  return unit === 'points' || isCurrency(unit);
}

/** A timestamp of the input as a Date; null and undefined (not given) stay as they are. */
export function toDate(v: string | null | undefined): Date | null | undefined {
  return v === undefined ? undefined : v === null ? null : new Date(v);
}

/** Unknown units of a price or a face value, as field errors. */
export function moneyProblems(input: {
  price?: { unit: string };
  faceValue?: { currency: string } | null;
}): Record<string, string> {
  const fields: Record<string, string> = {};
  if (input.price && !isUnit(input.price.unit)) fields['price/unit'] = `unknown currency ${input.price.unit}`;
  if (input.faceValue && !isCurrency(input.faceValue.currency))
    fields['faceValue/currency'] = `unknown currency ${input.faceValue.currency}`;
  return fields;
}

/**
 * A cash payout is a points-to-cash conversion (decision 0054): priced in points (more than 0), with
 * the face value the member's cash wallet receives, fulfilled by Fidelis at approval (no code pool,
 * no sessions). The reward as it will be after the write.
 */
export function conversionProblems(reward: {
  type: string;
  price: { amount: number; unit: string };
  faceValue?: { amount: number; currency: string } | null;
  stockKind: string;
}): Record<string, string> {
  if (reward.type !== 'cash_payout') return {};
  const fields: Record<string, string> = {};
  if (reward.price.unit !== 'points') fields['price/unit'] = 'a cash payout is priced in points';
  else if (reward.price.amount === 0) fields['price/amount'] = 'a cash payout converts more than 0 points';
  if (!reward.faceValue) fields.faceValue = 'a cash payout needs the cash it credits (amount and currency)';
  if (reward.stockKind === 'codes' || reward.stockKind === 'sessions')
    fields['stock/kind'] = 'a cash payout is credited, not given out by codes or sessions';
  return fields;
}

/** Throws validation_failed when any field is at fault. */
export function checkFields(fields: Record<string, string>): void {
  if (Object.keys(fields).length > 0) throw invalidFields(fields);
}

/** Each field at fault with its message, for a detail people read: "/endsAt: must be after startsAt". */
const described = (fields: Record<string, string>) =>
  Object.entries(fields).map(([field, message]) => `/${field}: ${message}`);

/** `validation_failed` for the fields at fault (pointers into the input), each named in the detail. */
export function invalidFields(fields: Record<string, string>): FidelisError {
  return invalid(described(fields).join('; '), fields);
}

/**
 * `validation_failed` for a request that does not fit its reward as a whole ("the reward's stock is
 * unlimited, not a code pool"), with the field errors found besides. That error names the whole
 * request body (`/body`), as the API always has: fieldError can name fields of the input only.
 */
export function unfitForReward(message: string, fields: Record<string, string> = {}): FidelisError {
  const { errors } = invalid('', fields).extra as { errors: FieldError[] };
  return new FidelisError('validation_failed', [message, ...described(fields)].join('; '), {
    errors: [{ path: '/body', message }, ...errors],
  });
}

/** The contact, which must be one of the account's: a contact of another account is refused. */
export async function contactOfAccount(
  contacts: ContactService,
  programId: string,
  contactId: string,
  accountId: string,
): Promise<Contact> {
  const contact = await contacts.get(programId, contactId);
  if (contact.accountId !== accountId) {
    throw invalid(`Contact ${contact.id} belongs to another account`, {
      contactId: 'is a contact of another account',
    });
  }
  return contact;
}
