// Earning rules: versioned documents. Editing adds a version; an event uses the versions in force at its occurredAt.
// Every version written is audited.
import Value from 'typebox/value';
import { type Actor, actorName } from '../../core/access.ts';
import { FidelisError, fieldError } from '../../core/errors.ts';
import type { ActiveRule } from '../../core/rules/evaluate.ts';
import { type RuleDocument, ruleProblems } from '../../core/rules/rule.ts';
import type { Database, Executor, Tx } from '../../db/client.ts';
import { newId } from '../../lib/ids.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { EventTypeService } from '../event-types/event-types-service.ts';
import { type ConfigCache, createConfigCache } from '../programs/programs-service.ts';
import { RuleDocumentSchema, type RuleView } from './rules-schemas.ts';
import {
  allVersions,
  insertRule,
  insertVersion,
  latestVersion,
  lockRule,
  type NewRuleVersionRow,
  type RuleVersionRow,
  versionsOf,
} from './rules-store.ts';

export interface WriteRule {
  document: RuleDocument;
  effectiveFrom?: Date;
}

export function toRule(row: RuleVersionRow): RuleView {
  return {
    id: row.ruleId,
    version: row.version,
    effectiveFrom: row.effectiveFrom.toISOString(),
    createdAt: row.createdAt.toISOString(),
    document: row.document,
  };
}

/** Of all versions (of many rules), those in force at `at`: per rule the latest effective at or before it, if enabled. */
export function inForce(versions: RuleVersionRow[], at: Date): ActiveRule[] {
  const current = new Map<string, RuleVersionRow>();
  for (const v of versions) {
    if (v.effectiveFrom.getTime() > at.getTime()) continue;
    const seen = current.get(v.ruleId);
    if (!seen || v.version > seen.version) current.set(v.ruleId, v);
  }
  return [...current.values()]
    .filter((v) => v.document.enabled !== false)
    .map((v) => ({ id: v.ruleId, version: v.version, document: v.document }));
}

/** Writes a version of a rule inside `tx`, and its audit record (`before`: the version it follows). */
async function writeVersion(
  audit: AuditService,
  tx: Tx,
  actor: Actor,
  version: Omit<NewRuleVersionRow, 'actor'>,
  before?: RuleView,
): Promise<RuleView> {
  const view = toRule(await insertVersion(tx, { ...version, actor: actorName(actor) }));
  await audit.record(tx, version.programId, {
    actor,
    action: before ? 'rule.update' : 'rule.create',
    resourceType: 'rule',
    resourceId: view.id,
    before,
    after: view,
  });
  return view;
}

export function createRuleService(
  database: Database,
  eventTypes: EventTypeService,
  audit: AuditService,
  config: ConfigCache = createConfigCache(database),
) {
  /**
   * Schema and meaning: a precise rule_invalid listing every problem, with paths into the document;
   * `at` points to the document within the caller's input (`/document`, `/rules/2`).
   */
  async function validate(programId: string, document: unknown, at: string): Promise<RuleDocument> {
    const problems = Value.Check(RuleDocumentSchema, document)
      ? ruleProblems(
          document as RuleDocument,
          await eventTypes.known(programId),
          new Map((await eventTypes.list(programId)).map((t) => [t.type, t.attributesSchema])),
        )
      : [...Value.Errors(RuleDocumentSchema, document)]
          .slice(0, 20)
          .map((e) => ({ path: e.instancePath, message: e.message }));
    if (problems.length > 0) {
      // A list, not fieldError's map: a field may have several problems.
      const errors = problems.map((p) => ({ path: `${at}${p.path}`, message: p.message }));
      throw new FidelisError('rule_invalid', errors.map((e) => `${e.path}: ${e.message}`).join('; '), {
        errors,
      });
    }
    return document as RuleDocument;
  }

  return {
    validate,

    async create(programId: string, input: WriteRule, actor: Actor): Promise<RuleView> {
      const document = await validate(programId, input.document, '/document');
      const id = newId('rul');
      const view = await database.transaction(async (tx) => {
        await insertRule(tx, programId, id);
        return writeVersion(audit, tx, actor, {
          programId,
          ruleId: id,
          version: 1,
          document,
          effectiveFrom: input.effectiveFrom ?? new Date(),
        });
      });
      config.forget(programId);
      return view;
    },

    /** A new version of the rule; the earlier ones stay, in force for events that occurred before it. */
    async update(programId: string, ruleId: string, input: WriteRule, actor: Actor): Promise<RuleView> {
      const document = await validate(programId, input.document, '/document');
      const view = await database.transaction(async (tx) => {
        if (!(await lockRule(tx, programId, ruleId)))
          throw new FidelisError('rule_not_found', `No rule ${ruleId}`);
        const latest = (await latestVersion(tx, programId, ruleId))!;
        const effectiveFrom = input.effectiveFrom ?? new Date();
        if (effectiveFrom.getTime() < latest.effectiveFrom.getTime())
          throw fieldError(
            'rule_invalid',
            `effectiveFrom must not be before that of version ${latest.version} (${latest.effectiveFrom.toISOString()})`,
            { effectiveFrom: 'before the current version' },
          );
        return writeVersion(
          audit,
          tx,
          actor,
          { programId, ruleId, version: latest.version + 1, document, effectiveFrom },
          toRule(latest),
        );
      });
      config.forget(programId);
      return view;
    },

    async get(programId: string, ruleId: string): Promise<RuleView> {
      const row = await latestVersion(database.db, programId, ruleId);
      if (!row) throw new FidelisError('rule_not_found', `No rule ${ruleId}`);
      return toRule(row);
    },

    async history(programId: string, ruleId: string): Promise<RuleView[]> {
      const rows = await versionsOf(database.db, programId, ruleId);
      if (rows.length === 0) throw new FidelisError('rule_not_found', `No rule ${ruleId}`);
      return rows.map(toRule);
    },

    /** The latest version of every rule, or those in force at `at` (disabled ones included, to show them). */
    async list(programId: string, at?: Date): Promise<RuleView[]> {
      const versions = await this.versions(programId);
      const latest = new Map<string, RuleVersionRow>();
      for (const v of versions) {
        if (at && v.effectiveFrom.getTime() > at.getTime()) continue;
        latest.set(v.ruleId, v);
      }
      return [...latest.values()].map(toRule);
    },

    /**
     * All versions of the program's rules; `db` reads them inside a caller's transaction (not cached).
     * Without it, from this instance's cache (decision 0014: at most CONFIG_CHECK_MS behind a version
     * added through another instance; at once after one added through this one).
     */
    async versions(programId: string, db?: Executor): Promise<RuleVersionRow[]> {
      if (db) return allVersions(db, programId);
      return config.get(programId, 'rules', () => allVersions(database.db, programId));
    },
  };
}

export type RuleService = ReturnType<typeof createRuleService>;
