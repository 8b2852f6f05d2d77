// Who referred (decisions 0048, 0060): a referrer's code names the referrer account, the referral
// program and the campaign; a partner reference without a code (`referredBy`: the referrer account's
// id or external id) names the account, and the referral program is `referralProgram`, or the
// program's only active one. Both are checked the same way (partners-attribution.ts); this answers
// what they name, or refuses naming the request's field.
import { FidelisError, fieldError } from '../../core/errors.ts';
import { normaliseCode } from '../../core/partners/referral.ts';
import type { PartnerDeps } from './partners-deps.ts';
import { activePrograms } from './partners-programs.ts';
import { findReferralCode, findReferralProgram, type ReferralProgramRow } from './partners-store.ts';

/** A code, or the referrer account named directly (with its referral program when there are several). */
export type ReferralSource =
  | { code: string }
  | { referredBy: string; referralProgram?: string; referredByContact?: string };

/** How a request names the referrer: a code, or a reference (with its referral program). */
export interface ReferralNames {
  code?: string;
  referredBy?: string;
  referralProgram?: string;
  /** The person at the referrer who referred (a contact id of the referrer account). */
  referredByContact?: string;
}

/** The request fields a refusal names: the code's, or the reference's two. */
export interface SourceFields {
  code: string;
  referredBy?: string;
  referralProgram?: string;
  referredByContact?: string;
}

export interface ResolvedSource {
  referrerId: string;
  program: ReferralProgramRow;
  /** The code, or null for an attribution by reference. */
  code: string | null;
  campaign: string | null;
  /** The contact of the referrer named with a reference, or null. */
  contactId: string | null;
}

/** A code or a reference, not both, from a request's optional fields; null when it has neither. */
export function sourceOf(input: ReferralNames, fields: SourceFields): ReferralSource | null {
  if (input.code !== undefined && input.referredBy !== undefined)
    throw fieldError(
      'validation_failed',
      `Name the referrer by ${fields.code} or by ${fields.referredBy}, not both`,
      {
        [fields.referredBy ?? 'referredBy']: `not with ${fields.code}`,
      },
    );
  for (const [key, given] of [
    ['referralProgram', input.referralProgram],
    ['referredByContact', input.referredByContact],
  ] as const) {
    const field = fields[key] ?? key;
    if (given !== undefined && input.referredBy === undefined)
      throw fieldError('validation_failed', `${field} goes with ${fields.referredBy}`, {
        [field]: `only with ${fields.referredBy}`,
      });
  }
  if (input.code !== undefined) return { code: input.code };
  if (input.referredBy !== undefined)
    return {
      referredBy: input.referredBy,
      ...(input.referralProgram === undefined ? {} : { referralProgram: input.referralProgram }),
      ...(input.referredByContact === undefined ? {} : { referredByContact: input.referredByContact }),
    };
  return null;
}

const inactive = (program: ReferralProgramRow, field: string) =>
  fieldError('referral_code_inactive', `The referral program ${program.code} is deactivated`, {
    [field]: 'deactivated',
  });

async function byCode(
  deps: PartnerDeps,
  programId: string,
  text: string,
  field: string,
): Promise<ResolvedSource> {
  const key = normaliseCode(text);
  const code = await findReferralCode(deps.database.db, programId, key);
  if (!code)
    throw fieldError('referral_code_not_found', `No referral code ${key}`, {
      [field]: 'no such referral code',
    });
  const program = await findReferralProgram(deps.database.db, programId, code.referralProgram);
  if (!program)
    throw new FidelisError('referral_program_not_found', `No referral program ${code.referralProgram}`);
  if (!code.active)
    throw fieldError('referral_code_inactive', `The referral code ${key} is deactivated`, {
      [field]: 'deactivated',
    });
  if (!program.active) throw inactive(program, field);
  return { referrerId: code.accountId, program, code: code.code, campaign: code.campaign, contactId: null };
}

async function byReference(
  deps: PartnerDeps,
  programId: string,
  source: { referredBy: string; referralProgram?: string; referredByContact?: string },
  fields: SourceFields,
): Promise<ResolvedSource> {
  const referredBy = fields.referredBy ?? 'referredBy';
  const programField = fields.referralProgram ?? 'referralProgram';
  const referrer = await deps.accounts.resolve(programId, source.referredBy).catch((error: unknown) => {
    if (error instanceof FidelisError && error.code === 'account_not_found')
      throw fieldError('referrer_not_found', `No account ${source.referredBy} to be the referrer`, {
        [referredBy]: 'no such account (its id or external id)',
      });
    throw error;
  });
  let program: ReferralProgramRow | undefined;
  if (source.referralProgram !== undefined) {
    program = await findReferralProgram(deps.database.db, programId, source.referralProgram);
    if (!program)
      throw fieldError('referral_program_not_found', `No referral program ${source.referralProgram}`, {
        [programField]: 'no such referral program',
      });
    if (!program.active) throw inactive(program, programField);
  } else {
    const active = await activePrograms(deps, programId);
    if (active.length !== 1)
      throw fieldError(
        'referral_program_required',
        active.length === 0
          ? 'The program has no active referral program to attribute through'
          : `The program has ${active.length} active referral programs (${active.map((p) => p.code).join(', ')}): name one`,
        { [programField]: 'required when the program has not exactly one active referral program' },
      );
    program = active[0]!;
  }
  let contactId: string | null = null;
  if (source.referredByContact !== undefined) {
    const contactField = fields.referredByContact ?? 'referredByContact';
    const contact = await deps.contacts.get(programId, source.referredByContact).catch((error: unknown) => {
      if (error instanceof FidelisError && error.code === 'contact_not_found')
        throw fieldError('contact_not_found', `No contact ${source.referredByContact}`, {
          [contactField]: 'no such contact',
        });
      throw error;
    });
    if (contact.accountId !== referrer.id)
      throw fieldError('validation_failed', `The contact ${contact.id} is not a contact of ${referrer.id}`, {
        [contactField]: 'is not a contact of the referrer',
      });
    contactId = contact.id;
  }
  return { referrerId: referrer.id, program, code: null, campaign: null, contactId };
}

/** What the source names, checked: unknown or deactivated, or a program to name, is refused. */
export function resolveSource(
  deps: PartnerDeps,
  programId: string,
  source: ReferralSource,
  fields: SourceFields,
): Promise<ResolvedSource> {
  return 'code' in source
    ? byCode(deps, programId, source.code, fields.code)
    : byReference(deps, programId, source, fields);
}
