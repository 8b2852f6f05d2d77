// Referral codes: one or more per referrer account, generated or chosen, unique per program without
// regard to case, optionally of a campaign; deactivated codes attribute nobody.
import { randomBytes } from 'node:crypto';
import { type Actor, actorName } from '../../core/access.ts';
import { FidelisError, fieldError } from '../../core/errors.ts';
import { fetchPage } from '../../core/pagination.ts';
import { codeFromBytes, normaliseCode } from '../../core/partners/referral.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { type PartnerDeps, toCode } from './partners-deps.ts';
import type { CodesQueryInput, CreateCodeInput } from './partners-schemas.ts';
import {
  findReferralCode,
  findReferralProgram,
  insertReferralCode,
  listReferralCodes,
  lockReferralCode,
  type ReferralCodeRow,
  updateReferralCode,
} from './partners-store.ts';

export function existingCode(row: ReferralCodeRow | undefined, code: string): ReferralCodeRow {
  if (!row) throw new FidelisError('referral_code_not_found', `No referral code ${code}`);
  return row;
}

export async function createCode(deps: PartnerDeps, programId: string, input: CreateCodeInput, actor: Actor) {
  const account = await deps.accounts.resolve(programId, input.account);
  if (!(await findReferralProgram(deps.database.db, programId, input.referralProgram)))
    throw fieldError('referral_program_not_found', `No referral program ${input.referralProgram}`, {
      referralProgram: 'no such referral program',
    });
  const chosen = input.code !== undefined;
  // A generated code is 8 characters of Crockford base32 (40 bits): a clash is retried with another.
  for (let attempt = 0; ; attempt++) {
    const code = chosen ? normaliseCode(input.code!) : codeFromBytes(randomBytes(8));
    try {
      return await deps.database.transaction(async (tx) => {
        const view = toCode(
          await insertReferralCode(tx, {
            programId,
            code,
            referralProgram: input.referralProgram,
            accountId: account.id,
            campaign: input.campaign ?? null,
            actor: actorName(actor),
          }),
        );
        await deps.audit.record(tx, programId, {
          actor,
          action: 'referral_code.create',
          resourceType: 'referral_code',
          resourceId: code,
          after: view,
        });
        return view;
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      if (chosen || attempt >= 3)
        throw fieldError('referral_code_taken', `The program already has the referral code ${code}`, {
          code: 'is taken',
        });
    }
  }
}

export async function getCode(deps: PartnerDeps, programId: string, code: string) {
  const key = normaliseCode(code);
  return toCode(existingCode(await findReferralCode(deps.database.db, programId, key), key));
}

/** Deactivates (or reactivates) a code. */
export async function setCodeActive(
  deps: PartnerDeps,
  programId: string,
  code: string,
  active: boolean,
  actor: Actor,
  now = new Date(),
) {
  const key = normaliseCode(code);
  return deps.database.transaction(async (tx) => {
    const before = existingCode(await lockReferralCode(tx, programId, key), key);
    const row = (await updateReferralCode(tx, programId, key, {
      active,
      deactivatedAt: active ? null : (before.deactivatedAt ?? now),
    }))!;
    const after = toCode(row);
    await deps.audit.record(tx, programId, {
      actor,
      action: active ? 'referral_code.activate' : 'referral_code.deactivate',
      resourceType: 'referral_code',
      resourceId: key,
      before: toCode(before),
      after,
    });
    return after;
  });
}

export async function codesOf(deps: PartnerDeps, programId: string, query: CodesQueryInput) {
  const filters = {
    accountId: await deps.accounts.idOf(programId, query.account),
    referralProgram: query.referralProgram,
    campaign: query.campaign,
  };
  return fetchPage(
    query,
    (after, limit) => listReferralCodes(deps.database.db, programId, filters, after, limit),
    toCode,
    (r) => r.code,
  );
}
