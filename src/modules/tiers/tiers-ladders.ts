// Tier ladders: validating a document, creating one, reshaping one (its accounts re-evaluated at once),
// reading them. Creating and reshaping are audited.
import Value from 'typebox/value';
import { type Actor, actorName } from '../../core/access.ts';
import { fieldError, fieldErrors } from '../../core/errors.ts';
import { type LadderDocument, ladderProblems, type Problem } from '../../core/tiers/ladder.ts';
import { newId } from '../../lib/ids.ts';
import { lift } from './tiers-lift.ts';
import { LadderDocumentSchema } from './tiers-schemas.ts';
import { ladderOf, type TierDeps } from './tiers-status.ts';
import { insertLadder, type LadderRow, listLadders, statusPage, updateLadderRow } from './tiers-store.ts';

export type LadderView = ReturnType<typeof toLadder>;

export function toLadder(row: LadderRow) {
  return {
    id: row.id,
    document: row.document,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** What is wrong with a ladder document, each problem at a pointer into the document. */
async function documentProblems(
  { programs, eventTypes }: TierDeps,
  programId: string,
  document: unknown,
): Promise<Problem[]> {
  if (!Value.Check(LadderDocumentSchema, document))
    return [...Value.Errors(LadderDocumentSchema, document)]
      .slice(0, 20)
      .map((e) => ({ path: e.instancePath, message: e.message }));
  const doc = document as LadderDocument;
  const program = await programs.get(programId);
  const problems = ladderProblems(doc, program.baseCurrency);
  const known = await eventTypes.known(programId);
  (doc.eventTypes ?? []).forEach((t, i) => {
    if (!known.has(t)) problems.push({ path: `/eventTypes/${i}`, message: `unknown event type ${t}` });
  });
  return problems;
}

/**
 * The document as a ladder, or ladder_invalid naming every problem under `prefix` (a pointer into the
 * caller's input). A field may have several problems, so they are listed, not keyed by field.
 */
export async function validateLadder(
  deps: TierDeps,
  programId: string,
  document: unknown,
  prefix: string,
): Promise<LadderDocument> {
  const problems = await documentProblems(deps, programId, document);
  if (problems.length > 0)
    throw fieldErrors(
      'ladder_invalid',
      problems.map((p) => ({ path: `${prefix}${p.path}`, message: p.message })),
    );
  return document as LadderDocument;
}

export async function createLadder(deps: TierDeps, programId: string, document: unknown, actor: Actor) {
  const doc = await validateLadder(deps, programId, document, '/document');
  const created = await deps.database.transaction(async (tx) => {
    const view = toLadder(await insertLadder(tx, { programId, id: newId('tld'), document: doc }));
    await deps.audit.record(tx, programId, {
      actor,
      action: 'tier_ladder.create',
      resourceType: 'tier_ladder',
      resourceId: view.id,
      after: view,
    });
    return view;
  });
  deps.programs.config.forget(programId);
  return created;
}

/**
 * Replaces the ladder's document. Past tier changes keep the names and reasons they were made
 * with; accounts are re-evaluated at once (upgrades to an inserted tier, a removed tier replaced).
 */
export async function updateLadder(
  deps: TierDeps,
  programId: string,
  ladderId: string,
  document: unknown,
  actor: Actor,
  now = new Date(),
) {
  const { database } = deps;
  const doc = await validateLadder(deps, programId, document, '/document');
  const before = await ladderOf(deps, programId, ladderId);
  if (before.document.metric !== doc.metric)
    throw fieldError('ladder_invalid', 'The metric of a ladder cannot change; create a new ladder', {
      'document/metric': `must stay ${before.document.metric}`,
    });
  const updated = await database.transaction(async (tx) => {
    const row = (await updateLadderRow(tx, programId, ladderId, doc))!;
    await deps.audit.record(tx, programId, {
      actor,
      action: 'tier_ladder.update',
      resourceType: 'tier_ladder',
      resourceId: ladderId,
      before: toLadder(before),
      after: toLadder(row),
    });
    return row;
  });
  deps.programs.config.forget(programId);
  let after = '';
  for (;;) {
    const page = await statusPage(database.db, programId, ladderId, after, 500);
    if (page.length === 0) break;
    for (const s of page)
      await lift(deps, programId, updated, s.accountId, now, {
        actor: actorName(actor),
        reason: 'ladder_change',
        former: before.document,
      });
    after = page[page.length - 1]!.accountId;
  }
  return toLadder(updated);
}

export async function getLadder(deps: TierDeps, programId: string, ladderId: string) {
  return toLadder(await ladderOf(deps, programId, ladderId));
}

export async function ladderViews({ database }: TierDeps, programId: string) {
  return (await listLadders(database.db, programId)).map(toLadder);
}
