// Attribution checks and the attribution's write, apart (decision 0048): the checks read outside any
// transaction (the code, its referral program, the referred account's first referral, the attribution
// window and the fraud guards) and answer a writer that records the referral in the caller's
// transaction. `POST /v1/referrals` and events use both at once; creating an account (the API and the
// CSV import, through the accounts' port) checks before it writes, then records the referral in the
// transaction that creates the account: a refused code leaves no account, and no account is left
// unattributed.
import { type Actor, actorName } from '../../core/access.ts';
import { FidelisError } from '../../core/errors.ts';
import {
  type AttributionFacts,
  checkAttribution,
  convertBy,
  emailDomain,
  type GuardFinding,
  normaliseCode,
  velocityFinding,
  verdictOf,
  withinAttributionWindow,
} from '../../core/partners/referral.ts';
import { advisoryLocks, type Executor } from '../../db/client.ts';
import { newId } from '../../lib/ids.ts';
import type { ReferralBatch } from '../accounts/accounts-service.ts';
import {
  type ReferralNames,
  type ReferralSource,
  resolveSource,
  type SourceFields,
  sourceOf,
} from './partners-attribution-source.ts';
import { type PartnerDeps, type ReferralView, toReferral } from './partners-deps.ts';
import {
  findReferralCode,
  insertReferral,
  type ReferralRow,
  referralOf,
  referralsSince,
} from './partners-store.ts';

const DAY_MS = 86_400_000;

/** The refusal of a second claim on an account: first touch wins, and the first referrer is named. */
export function alreadyReferred(first: ReferralRow): FidelisError {
  return new FidelisError(
    'referral_exists',
    `The account ${first.referredAccountId} was already referred by ${first.referrerAccountId} (referral ${first.id})`,
    { referralId: first.id, referrerAccountId: first.referrerAccountId },
  );
}

async function domainsOf(deps: PartnerDeps, programId: string, accountId: string): Promise<string[]> {
  const page = await deps.contacts.list(programId, { accountId, limit: 500 });
  return page.data.flatMap((c) => emailDomain(c.email) ?? []);
}

/**
 * The account to attribute: an existing one (`id`), or one about to be created (`id` null: no referral,
 * no contacts yet). `topOf` names the account whose hierarchy's top is the referred's group (itself,
 * or a new account's parent; null: a new account on its own).
 */
export interface Referred {
  id: string | null;
  createdAt: Date;
  topOf: string | null;
}

export interface AttributionHow {
  at: Date;
  via: 'api' | 'event' | 'account' | 'import';
  sourceEventId?: string;
  /** The request fields the code or reference came in (`code`, `referralCode`, `referredBy`), named by a refusal. */
  fields: SourceFields;
  /** The rows of one import file so far (decision 0063). */
  batch?: ReferralBatch;
}

/** A checked attribution: records the referral of the account in `tx` (audited, in the outbox). */
export type AttributionWriter = (tx: Executor, referredAccountId: string) => Promise<ReferralView>;

/**
 * The attribution of a new or existing account through a code or a reference (decision 0060), checked;
 * refusals are thrown.
 */
export async function planAttribution(
  deps: PartnerDeps,
  programId: string,
  source: ReferralSource,
  referredOf: () => Promise<Referred>,
  actor: Actor,
  how: AttributionHow,
): Promise<AttributionWriter> {
  const { database } = deps;
  const named = await resolveSource(deps, programId, source, how.fields);
  const program = named.program;
  const referred = await referredOf();
  if (referred.id) {
    const first = await referralOf(database.db, programId, referred.id);
    if (first) throw alreadyReferred(first);
  }
  const doc = program.document;
  if (named.referrerId === referred.id)
    throw new FidelisError('referral_refused', 'The referral is refused: an account cannot refer itself', {
      findings: [{ guard: 'same_account', action: 'refuse', reason: 'an account cannot refer itself' }],
    });
  if (!withinAttributionWindow(referred.createdAt, how.at, doc.attributionDays))
    throw new FidelisError(
      'referral_refused',
      `The account ${referred.id} joined on ${referred.createdAt.toISOString()}, more than ${doc.attributionDays} days before the attribution`,
      { findings: [] },
    );
  const referrerId = named.referrerId;
  const chains = await deps.accounts.chainsOf(programId, [
    referrerId,
    ...(referred.topOf ? [referred.topOf] : []),
  ]);
  const top = (id: string) => chains.get(id)?.at(-1)?.id ?? id;
  const velocity = doc.guards.velocity;
  const counting = velocity !== null && velocity.action !== 'off';
  const since = new Date(how.at.getTime() - (velocity?.days ?? 0) * DAY_MS);
  const batch = how.batch;
  const inFile = batch?.checked.get(referrerId) ?? 0;
  const domainsChecked = doc.guards.sameEmailDomain !== 'off';
  const facts: AttributionFacts = {
    referrerId,
    // A new account has no id yet: a placeholder no referrer can be.
    referredId: referred.id ?? 'new-account',
    referrerTop: top(referrerId),
    referredTop: referred.topOf ? top(referred.topOf) : 'new-account',
    referrerDomains: domainsChecked ? await domainsOf(deps, programId, referrerId) : [],
    referredDomains: domainsChecked && referred.id ? await domainsOf(deps, programId, referred.id) : [],
    // The file's earlier rows of this referrer count as if they had come one by one (decision 0063).
    recentByReferrer: counting
      ? (await referralsSince(database.db, programId, referrerId, since)) + inFile
      : 0,
    recentInFile: inFile,
  };
  const findings = checkAttribution(facts, doc.guards);
  refuseOn(findings);
  if (batch) batch.checked.set(referrerId, inFile + 1);
  const others = findings.filter((f) => f.guard !== 'velocity');
  return async (tx, referredAccountId) => {
    // The velocity guard decides again under the referrer's lock, counting in the writing transaction
    // (the referrals committed since the check, and a file's earlier rows written in this one): two
    // writers of one referrer never both slip under the limit (decision 0063).
    let found = findings;
    if (counting) {
      await lockReferrers(tx, programId, batch?.locked ? [] : [referrerId, ...(batch?.checked.keys() ?? [])]);
      if (batch) batch.locked = true;
      const recent = await referralsSince(tx, programId, referrerId, since);
      const v = velocityFinding(recent, batch?.written.get(referrerId) ?? 0, velocity);
      found = v ? [...others, v] : others;
      refuseOn(found);
    }
    const verdict = verdictOf(found);
    const row = await insertReferral(tx, {
      programId,
      id: newId('rfl'),
      referralProgram: program.code,
      code: named.code,
      campaign: named.campaign,
      referrerAccountId: referrerId,
      referrerContactId: named.contactId,
      referredAccountId,
      status: verdict === 'review' ? 'review' : 'pending',
      findings: found,
      via: how.via,
      sourceEventId: how.sourceEventId ?? null,
      attributedAt: how.at,
      convertBy: convertBy(how.at, doc.conversion.windowDays),
      actor: actorName(actor),
    });
    const view = toReferral(row, how.at);
    await deps.audit.record(tx, programId, {
      actor,
      action: 'referral.attribute',
      resourceType: 'referral',
      resourceId: row.id,
      after: view,
    });
    await deps.outbox?.emit(tx, programId, [{ type: 'referral.attributed', payload: view }]);
    if (batch) batch.written.set(referrerId, (batch.written.get(referrerId) ?? 0) + 1);
    return view;
  };
}

/** A refusal when any finding refuses (nothing is written). */
function refuseOn(findings: GuardFinding[]): void {
  if (verdictOf(findings) !== 'refuse') return;
  throw new FidelisError(
    'referral_refused',
    `The referral is refused: ${findings
      .filter((f) => f.action === 'refuse')
      .map((f) => f.reason)
      .join('; ')}`,
    { findings },
  );
}

/**
 * The velocity locks of referrers, in one order (their ids sorted), until the transaction ends: an
 * import takes those of every referrer of its file before its first referral is written.
 */
async function lockReferrers(tx: Executor, programId: string, referrerIds: string[]): Promise<void> {
  const keys = [...new Set(referrerIds)].sort().map((id) => `referral-velocity:${programId}:${id}`);
  await advisoryLocks(tx, keys);
}

/**
 * The accounts' port (wired in app/compose.ts): a code or reference given with a new account
 * (`accountId` null), or on an import row of an existing one, checked now; the writer records the
 * referral in the transaction that writes the account. An existing account referred already by the
 * same referrer needs nothing (a file imported again); by another referrer it is `referral_exists`.
 */
export async function attributionOnWrite(
  deps: PartnerDeps,
  programId: string,
  input: ReferralNames & { accountId: string | null; parent: string | null },
  actor: Actor,
  how: { via: 'account' | 'import'; fields: SourceFields; at?: Date; batch?: ReferralBatch },
): Promise<((tx: Executor, referredAccountId: string) => Promise<ReferralView | null>) | null> {
  const at = how.at ?? new Date();
  const source = sourceOf(input, how.fields);
  if (!source) return null;
  const referrerId = await referrerOf(deps, programId, source);
  const sameReferrer = (first: ReferralRow | undefined) =>
    first !== undefined && referrerId !== null && first.referrerAccountId === referrerId;
  if (input.accountId && sameReferrer(await referralOf(deps.database.db, programId, input.accountId)))
    return null;
  const parentId = input.parent
    ? await deps.accounts.resolve(programId, input.parent).then(
        (a) => a.id,
        () => null, // an unknown parent is the account write's own refusal
      )
    : null;
  const write = await planAttribution(
    deps,
    programId,
    source,
    async () => {
      if (!input.accountId) return { id: null, createdAt: at, topOf: parentId };
      const account = await deps.accounts.resolve(programId, input.accountId);
      return { id: account.id, createdAt: account.createdAt, topOf: parentId ?? account.id };
    },
    actor,
    { at, via: how.via, fields: how.fields, batch: how.batch },
  );
  // Checked again in the writing transaction: a concurrent import (serialised by the hierarchy lock)
  // may have referred the account since; through the same referrer that is nothing to do.
  return async (tx, referredAccountId) => {
    const first = await referralOf(tx, programId, referredAccountId);
    if (first && sameReferrer(first)) return null;
    if (first) throw alreadyReferred(first);
    return write(tx, referredAccountId);
  };
}

/** The referrer a source names, when it names one (else null: the checks then refuse it). */
async function referrerOf(
  deps: PartnerDeps,
  programId: string,
  source: ReferralSource,
): Promise<string | null> {
  if ('code' in source)
    return (
      (await findReferralCode(deps.database.db, programId, normaliseCode(source.code)))?.accountId ?? null
    );
  return deps.accounts.resolve(programId, source.referredBy).then(
    (a) => a.id,
    () => null,
  );
}
