// Writing the rows of a relationship import inside the importer's transaction (decision 0047), under
// the program's relationship lock (the one `createRelationship` takes): each row is matched with the
// stored relationships of its pair, a row that repeats one changes nothing, one that gives an end to
// an open one ends it, anything overlapping is refused, and the open `manages` links as they would be
// after the file must form no cycle. Any such problem refuses the whole file with the rows' lines.
import { and, eq, sql } from 'drizzle-orm';
import { FidelisError, type FieldError } from '../../core/errors.ts';
import { advisoryLock, type Executor } from '../../db/client.ts';
import { newId } from '../../lib/ids.ts';
import type { ImportResult } from './accounts-import.ts';
import { accountRelationships } from './accounts-tables.ts';

/** One checked row of a relationship import, with its line in the file; accounts are ids. */
export interface RelationshipImportRow {
  line: number;
  type: 'manages';
  fromAccountId: string;
  toAccountId: string;
  /** How the file names the accounts (the errors name them so). */
  fromExternalId: string;
  toExternalId: string;
  startsAt: Date;
  endsAt: Date | null;
}

type Stored = typeof accountRelationships.$inferSelect;
const BATCH = 1000;
const iso = (d: Date | null) => (d ? d.toISOString() : 'open');

/** Whether [a, aEnd) and [b, bEnd) overlap (a null end is open). */
function overlaps(a: Date, aEnd: Date | null, b: Date, bEnd: Date | null): boolean {
  return (aEnd === null || b < aEnd) && (bEnd === null || a < bEnd);
}

/** The lines of rows on a cycle of the open links `edges` (from → [to, line of the row or 0]). */
function cycleLines(edges: Map<string, Array<{ to: string; line: number }>>): FieldError[] {
  const errors: FieldError[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: Array<{ account: string; line: number }> = [];
  const reported = new Set<number>();
  const visit = (account: string): void => {
    state.set(account, 'open');
    for (const edge of edges.get(account) ?? []) {
      const seen = state.get(edge.to);
      if (seen === 'open') {
        const start = path.findIndex((p) => p.account === edge.to);
        const loop = [...path.slice(start < 0 ? path.length : start), { account, line: edge.line }];
        const line = loop.map((p) => p.line).find((l) => l > 0 && !reported.has(l)) ?? edge.line;
        if (line > 0 && !reported.has(line)) {
          reported.add(line);
          errors.push({ line, path: 'toExternalId', message: 'would make a manages cycle' });
        }
      } else if (seen === undefined) {
        path.push({ account, line: edge.line });
        visit(edge.to);
        path.pop();
      }
    }
    state.set(account, 'done');
  };
  for (const account of edges.keys()) if (!state.has(account)) visit(account);
  return errors;
}

/**
 * Creates and ends relationships from checked rows in `tx` (all or nothing with it); import_invalid_rows
 * naming each row that overlaps a stored relationship or another row, changes an ended one, or closes a
 * `manages` cycle. `updated` counts the relationships a row ended; rows that repeat a stored one count
 * in neither.
 */
export async function importRelationshipRows(
  tx: Executor,
  programId: string,
  rows: RelationshipImportRow[],
): Promise<ImportResult & { managers: string[] }> {
  await advisoryLock(tx, `relationships:${programId}`);
  const t = accountRelationships;
  // Every manages link of the program: the pairs the file names are checked against them, and the
  // open ones are the graph a cycle is looked for in.
  const stored: Stored[] = await tx
    .select()
    .from(t)
    .where(and(eq(t.programId, programId), eq(t.type, 'manages')));
  const pair = (type: string, from: string, to: string) => `${type}|${from}|${to}`;
  const byPair = new Map<string, Stored[]>();
  for (const s of stored) {
    const k = pair(s.type, s.fromAccountId, s.toAccountId);
    byPair.set(k, [...(byPair.get(k) ?? []), s]);
  }
  const errors: FieldError[] = [];
  const inserts: RelationshipImportRow[] = [];
  const ends: Array<{ id: string; endsAt: Date }> = [];
  const fileByPair = new Map<string, RelationshipImportRow[]>();
  // First the rows that repeat a stored relationship (same accounts, same start): unchanged, or ending it.
  const others: RelationshipImportRow[] = [];
  for (const r of rows) {
    const same = (byPair.get(pair(r.type, r.fromAccountId, r.toAccountId)) ?? []).find(
      (s) => s.startsAt.getTime() === r.startsAt.getTime(),
    );
    if (!same) others.push(r);
    else if (same.endsAt?.getTime() === r.endsAt?.getTime())
      continue; // as stored: nothing to do
    else if (same.endsAt === null && r.endsAt !== null) {
      ends.push({ id: same.id, endsAt: r.endsAt });
      same.endsAt = r.endsAt; // as it will be, for the overlaps below
    } else
      errors.push({
        line: r.line,
        path: 'endedAt',
        message: `${same.id} ended at ${iso(same.endsAt)}; an ended relationship is not changed (the row says ${iso(r.endsAt)})`,
      });
  }
  // Then the new ones: none may overlap a relationship of the same accounts, stored or in the file.
  for (const r of others) {
    const k = pair(r.type, r.fromAccountId, r.toAccountId);
    const fail = (message: string) => errors.push({ line: r.line, path: 'startedAt', message });
    const clash = (byPair.get(k) ?? []).find((s) => overlaps(s.startsAt, s.endsAt, r.startsAt, r.endsAt));
    if (clash) {
      fail(
        `${r.fromExternalId} already ${r.type} ${r.toExternalId} from ${iso(clash.startsAt)} to ${iso(clash.endsAt)} (${clash.id})`,
      );
      continue;
    }
    const other = (fileByPair.get(k) ?? []).find((o) => overlaps(o.startsAt, o.endsAt, r.startsAt, r.endsAt));
    if (other) {
      fail(`overlaps line ${other.line} (the same accounts at the same time)`);
      continue;
    }
    fileByPair.set(k, [...(fileByPair.get(k) ?? []), r]);
    inserts.push(r);
  }
  if (errors.length === 0) {
    // The open links once the file is written: stored ones not ended by it, and the new open rows.
    const edges = new Map<string, Array<{ to: string; line: number }>>();
    const add = (from: string, to: string, line: number) =>
      edges.set(from, [...(edges.get(from) ?? []), { to, line }]);
    for (const s of stored) if (s.endsAt === null) add(s.fromAccountId, s.toAccountId, 0);
    for (const r of inserts) if (r.endsAt === null) add(r.fromAccountId, r.toAccountId, r.line);
    errors.push(...cycleLines(edges));
  }
  if (errors.length > 0) {
    errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    throw new FidelisError(
      'import_invalid_rows',
      `${new Set(errors.map((e) => e.line)).size} rows conflict with the program's relationships; nothing was imported`,
      { errors: errors.slice(0, 1000), invalidRows: new Set(errors.map((e) => e.line)).size },
    );
  }
  for (let i = 0; i < inserts.length; i += BATCH) {
    await tx.insert(t).values(
      inserts.slice(i, i + BATCH).map((r) => ({
        programId,
        id: newId('rel'),
        type: r.type,
        fromAccountId: r.fromAccountId,
        toAccountId: r.toAccountId,
        startsAt: r.startsAt,
        endsAt: r.endsAt,
      })),
    );
  }
  for (const e of ends)
    await tx
      .update(t)
      .set({ endsAt: e.endsAt })
      .where(and(eq(t.programId, programId), eq(t.id, e.id), sql`${t.endsAt} is null`));
  const managers = [...new Set(inserts.map((r) => r.fromAccountId))];
  return { created: inserts.length, updated: ends.length, managers };
}
