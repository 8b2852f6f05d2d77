// Programs (the tenants): their base currency, time zone, default locale and each module's settings.
import type { TSchema } from 'typebox';
import Value from 'typebox/value';
import type { Actor } from '../../core/access.ts';
import { FidelisError, type FieldError, fieldError, fieldErrors } from '../../core/errors.ts';
import { fetchPage, type Page, type PageQuery } from '../../core/pagination.ts';
import { canonicalLocale, isCurrency, isTimeZone } from '../../core/reference.ts';
import type { Database, Executor } from '../../db/client.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { AuditService } from '../audit/audit-service.ts';
import { type ConfigCache, createConfigCache } from './programs-cache.ts';

export { CONFIG_CHECK_MS, type ConfigCache, createConfigCache } from './programs-cache.ts';

import type { CreateProgramInput, Program, UpdateProgramInput } from './programs-schemas.ts';
import {
  findProgram,
  insertProgram,
  listProgramPage,
  listPrograms,
  lockProgram,
  type ProgramRow,
  updateProgramRow,
} from './programs-store.ts';

export function toProgram(row: ProgramRow): Program {
  return {
    id: row.id,
    name: row.name,
    baseCurrency: row.baseCurrency,
    timeZone: row.timeZone,
    defaultLocale: row.defaultLocale,
    settings: row.settings as Program['settings'],
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    archivedAt: row.archivedAt ? row.archivedAt.toISOString() : null,
  };
}

/** A write that met the unique portal slug: portal_slug_taken naming the field; other errors as they are. */
async function slugUnique<T>(
  settings: Record<string, unknown> | undefined,
  write: () => Promise<T>,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!isUniqueViolation(error, 'programs_portal_slug_uq')) throw error;
    const slug = (settings?.portal as { slug?: string } | undefined)?.slug;
    throw fieldError(
      'portal_slug_taken',
      `Another program's member portal is at /portal/${slug ?? '…'} already`,
      { 'settings/portal/slug': 'is taken by another program' },
    );
  }
}

function checkReferenceValues(input: UpdateProgramInput): { defaultLocale?: string } {
  const errors: FieldError[] = [];
  if (input.baseCurrency !== undefined && !isCurrency(input.baseCurrency)) {
    errors.push({ path: '/baseCurrency', message: `unknown currency ${input.baseCurrency}` });
  }
  if (input.timeZone !== undefined && !isTimeZone(input.timeZone)) {
    errors.push({ path: '/timeZone', message: `unknown time zone ${input.timeZone}` });
  }
  let locale: string | undefined;
  if (input.defaultLocale !== undefined) {
    locale = canonicalLocale(input.defaultLocale);
    if (!locale) errors.push({ path: '/defaultLocale', message: `not a BCP 47 tag: ${input.defaultLocale}` });
  }
  if (errors.length > 0) throw fieldErrors('validation_failed', errors);
  return locale ? { defaultLocale: locale } : {};
}

/** Checks each module's settings against that module's schema; unknown modules are refused. */
function checkSettings(
  settings: Record<string, unknown> | undefined,
  schemas: Record<string, TSchema>,
): void {
  if (!settings) return;
  const errors: FieldError[] = [];
  for (const [module, value] of Object.entries(settings)) {
    const schema = schemas[module];
    if (!schema) {
      errors.push({
        path: `/settings/${module}`,
        message: `no module has settings named ${module} (known: ${Object.keys(schemas).join(', ')})`,
      });
      continue;
    }
    for (const e of Value.Errors(schema, value)) {
      errors.push({ path: `/settings/${module}${e.instancePath}`, message: e.message });
    }
  }
  if (errors.length > 0) throw fieldErrors('validation_failed', errors);
}

export function createProgramService(
  database: Database,
  audit: AuditService,
  settingsSchemas: Record<string, TSchema> = {},
  config: ConfigCache = createConfigCache(database),
) {
  return {
    /** This instance's cache of what rarely changes per program (decision 0014), shared with rules and tiers. */
    config,

    /** Creates a program (audited, as its first record). */
    async create(input: CreateProgramInput, actor: Actor): Promise<Program> {
      const normalised = checkReferenceValues(input);
      checkSettings(input.settings, settingsSchemas);
      return slugUnique(input.settings, () =>
        database.transaction(async (tx) => {
          const program = toProgram(
            await insertProgram(tx, {
              id: newId('prg'),
              name: input.name.trim(),
              baseCurrency: input.baseCurrency,
              timeZone: input.timeZone ?? 'UTC',
              defaultLocale: normalised.defaultLocale ?? 'en',
              settings: input.settings ?? {},
            }),
          );
          await audit.record(tx, program.id, {
            actor,
            action: 'program.create',
            resourceType: 'program',
            resourceId: program.id,
            after: program,
          });
          return program;
        }),
      );
    },

    /**
     * The program; `db` reads it inside a caller's transaction (not cached). Without it, from this
     * instance's cache (at most CONFIG_CHECK_MS behind a change made through another instance).
     */
    async get(id: string, db?: Executor): Promise<Program> {
      const read = async () => {
        const row = await findProgram(db ?? database.db, id);
        if (!row) throw new FidelisError('not_found', `No program ${id}`);
        return toProgram(row);
      };
      return db ? read() : config.get(id, 'program', read);
    },

    async list(): Promise<Program[]> {
      return (await listPrograms(database.db)).map(toProgram);
    },

    /** A page of the programs this Fidelis hosts, for an operator; archived ones only when asked for. */
    async page(query: PageQuery & { includeArchived?: boolean }): Promise<Page<Program>> {
      return fetchPage(query, (after, limit) => listProgramPage(database.db, query, after, limit), toProgram);
    },

    /**
     * Archives a program (audited): from then on its API keys and console sessions act no more for it
     * (the keys plugin refuses them with `program_archived`). Archiving an archived program changes
     * nothing and answers it as it is.
     */
    async archive(id: string, actor: Actor, now = new Date()): Promise<Program> {
      const program = await database.transaction(async (tx) => {
        const current = await lockProgram(tx, id);
        if (!current) throw new FidelisError('not_found', `No program ${id}`);
        if (current.archivedAt) return toProgram(current);
        const row = await updateProgramRow(tx, id, { archivedAt: now });
        const change = { before: toProgram(current), after: toProgram(row!) };
        await audit.record(tx, id, {
          actor,
          action: 'program.archive',
          resourceType: 'program',
          resourceId: id,
          ...change,
        });
        return change.after;
      });
      config.forget(id);
      return program;
    },

    /** The program deployments and scripts address by default: the oldest one. */
    async defaultProgram(): Promise<Program | undefined> {
      const first = (await listPrograms(database.db)).find((p) => !p.archivedAt);
      return first ? toProgram(first) : undefined;
    },

    /** Changes the program's names, references or module settings (audited). */
    async update(
      id: string,
      input: UpdateProgramInput,
      actor: Actor,
    ): Promise<{ before: Program; after: Program }> {
      const normalised = checkReferenceValues(input);
      checkSettings(input.settings, settingsSchemas);
      const change = await slugUnique(input.settings, () =>
        database.transaction(async (tx) => {
          const current = await lockProgram(tx, id);
          if (!current) throw new FidelisError('not_found', `No program ${id}`);
          const row = await updateProgramRow(tx, id, {
            ...(input.name !== undefined && { name: input.name.trim() }),
            ...(input.baseCurrency !== undefined && { baseCurrency: input.baseCurrency }),
            ...(input.timeZone !== undefined && { timeZone: input.timeZone }),
            ...(normalised.defaultLocale !== undefined && { defaultLocale: normalised.defaultLocale }),
            ...(input.settings !== undefined && { settings: { ...current.settings, ...input.settings } }),
          });
          const change = { before: toProgram(current), after: toProgram(row!) };
          await audit.record(tx, id, {
            actor,
            action: 'program.update',
            resourceType: 'program',
            resourceId: id,
            ...change,
          });
          return change;
        }),
      );
      config.forget(id);
      return change;
    },
  };
}

export type ProgramService = ReturnType<typeof createProgramService>;
