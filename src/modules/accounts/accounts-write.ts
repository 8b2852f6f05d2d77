// Creating and changing accounts: values the schema cannot check, a unique externalId, and a parent
// that keeps the hierarchy free of cycles and within its depth (under the program's hierarchy lock).
// Both are audited.
import type { Actor } from '../../core/access.ts';
import { type FidelisError, type FieldError, fieldError, fieldErrors, invalid } from '../../core/errors.ts';
import { isCalendarDate, isCountry, isCurrency } from '../../core/reference.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { newId } from '../../lib/ids.ts';
import { resolve, toAccount } from './accounts-find.ts';
import { checkParent, resolveParent } from './accounts-hierarchy.ts';
import type { Account, CreateAccountInput, UpdateAccountInput } from './accounts-schemas.ts';
import type { AccountDeps } from './accounts-service.ts';
import { insertAccount, lockHierarchy, type NewAccountRow, updateAccountRow } from './accounts-store.ts';

/** The fields a new account is made of, as a request or an import row gives them. */
export interface NewAccountFields {
  externalId?: string | null;
  name: string;
  parentId?: string | null;
  segment?: string | null;
  country?: string | null;
  preferredCurrency?: string | null;
  status?: Account['status'];
  customerSince?: string | null;
  attributes?: Record<string, unknown>;
}

/** A new account row of the program, with the defaults of a new account for what is not given. */
export function newAccountRow(programId: string, fields: NewAccountFields): NewAccountRow {
  return {
    programId,
    id: newId('acc'),
    externalId: fields.externalId ?? null,
    name: fields.name,
    parentId: fields.parentId ?? null,
    segment: fields.segment ?? null,
    country: fields.country ?? null,
    preferredCurrency: fields.preferredCurrency ?? null,
    status: fields.status ?? 'enrolled',
    customerSince: fields.customerSince ?? null,
    attributes: fields.attributes ?? {},
  };
}

/** Checks of values the schema cannot express (known country, currency, real date), by field. */
export function accountValueErrors(input: {
  country?: string | null;
  preferredCurrency?: string | null;
  customerSince?: string | null;
}): FieldError[] {
  const errors: FieldError[] = [];
  if (input.country && !isCountry(input.country)) {
    errors.push({ path: '/country', message: `unknown country ${input.country}` });
  }
  if (input.preferredCurrency && !isCurrency(input.preferredCurrency)) {
    errors.push({ path: '/preferredCurrency', message: `unknown currency ${input.preferredCurrency}` });
  }
  if (input.customerSince && !isCalendarDate(input.customerSince)) {
    errors.push({ path: '/customerSince', message: `not a calendar date: ${input.customerSince}` });
  }
  return errors;
}

function checkValues(input: CreateAccountInput | UpdateAccountInput): void {
  const errors = accountValueErrors(input);
  if (errors.length > 0) throw fieldErrors('validation_failed', errors);
}

function externalIdTaken(externalId: string | null | undefined): FidelisError {
  return fieldError('external_id_taken', `An account with externalId ${externalId} exists already`, {
    externalId: 'is taken',
  });
}

/** Runs a write, turning a clash on the unique externalId into external_id_taken. */
async function uniqueExternalId<T>(externalId: string | null | undefined, write: () => Promise<T>) {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error, 'accounts_external_id_uq')) throw externalIdTaken(externalId);
    throw error;
  }
}

/**
 * A referral code, or the referrer named without one (`referredBy`, decision 0060), given with a new
 * account: checked before anything is written (decision 0048).
 */
async function referralOf(deps: AccountDeps, programId: string, input: CreateAccountInput, actor: Actor) {
  const names = [input.referralCode, input.referredBy, input.referralProgram, input.referredByContact];
  if (names.every((n) => n === undefined)) return null;
  if (!deps.referrals)
    throw invalid('Referrals need the partners module', {
      [input.referralCode === undefined ? 'referredBy' : 'referralCode']: 'not available here',
    });
  return deps.referrals(
    programId,
    {
      code: input.referralCode,
      referredBy: input.referredBy,
      referralProgram: input.referralProgram,
      referredByContact: input.referredByContact,
      accountId: null,
      parent: input.parentId ?? null,
    },
    actor,
    {
      via: 'account',
      fields: {
        code: 'referralCode',
        referredBy: 'referredBy',
        referralProgram: 'referralProgram',
        referredByContact: 'referredByContact',
      },
    },
  );
}

export async function create(
  deps: AccountDeps,
  programId: string,
  input: CreateAccountInput,
  actor: Actor,
): Promise<Account> {
  const { database, audit } = deps;
  checkValues(input);
  const attribute = await referralOf(deps, programId, input, actor);
  return uniqueExternalId(input.externalId, () =>
    database.transaction(async (tx) => {
      let parentId: string | null = null;
      if (input.parentId) {
        await lockHierarchy(tx, programId);
        const parent = await resolveParent(tx, programId, input.parentId);
        await checkParent(tx, programId, null, parent);
        parentId = parent.id;
      }
      const account = toAccount(
        await insertAccount(tx, newAccountRow(programId, { ...input, name: input.name.trim(), parentId })),
      );
      await audit.record(tx, programId, {
        actor,
        action: 'account.create',
        resourceType: 'account',
        resourceId: account.id,
        after: account,
      });
      // The referral in the account's transaction: both, or neither.
      if (attribute) await attribute(tx, account.id);
      return account;
    }),
  );
}

export async function update(
  { database, audit }: AccountDeps,
  programId: string,
  ref: string,
  input: UpdateAccountInput,
  actor: Actor,
): Promise<{ before: Account; after: Account }> {
  checkValues(input);
  return uniqueExternalId(input.externalId, () =>
    database.transaction(async (tx) => {
      if (input.parentId !== undefined) await lockHierarchy(tx, programId);
      const current = await resolve(tx, programId, ref);
      const patch: Partial<NewAccountRow> = {};
      if (input.parentId !== undefined) {
        if (input.parentId === null) patch.parentId = null;
        else {
          const parent = await resolveParent(tx, programId, input.parentId);
          await checkParent(tx, programId, current.id, parent);
          patch.parentId = parent.id;
        }
      }
      if (input.externalId !== undefined) patch.externalId = input.externalId;
      if (input.name !== undefined) patch.name = input.name.trim();
      if (input.segment !== undefined) patch.segment = input.segment;
      if (input.country !== undefined) patch.country = input.country;
      if (input.preferredCurrency !== undefined) patch.preferredCurrency = input.preferredCurrency;
      if (input.status !== undefined) patch.status = input.status;
      if (input.customerSince !== undefined) patch.customerSince = input.customerSince;
      if (input.attributes !== undefined) patch.attributes = input.attributes;
      const row = await updateAccountRow(tx, programId, current.id, patch);
      const change = { before: toAccount(current), after: toAccount(row!) };
      await audit.record(tx, programId, {
        actor,
        action: 'account.update',
        resourceType: 'account',
        resourceId: current.id,
        ...change,
      });
      return change;
    }),
  );
}
