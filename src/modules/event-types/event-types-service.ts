// The program's event types: built-in ones plus its own (registering one is audited), whose
// attributes follow a JSON schema.
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { Actor } from '../../core/access.ts';
import { FidelisError, fieldError, invalid } from '../../core/errors.ts';
import type { Database } from '../../db/client.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import type { AuditService } from '../audit/audit-service.ts';
import { BUILT_IN_EVENT_TYPES } from './event-types-schemas.ts';
import { findEventType, insertEventType, listEventTypes } from './event-types-store.ts';

export interface EventTypeView {
  type: string;
  builtIn: boolean;
  description: string | null;
  attributesSchema: Record<string, unknown> | null;
}

const ajv = new Ajv({ allErrors: true, strict: false });
(addFormats as unknown as (a: Ajv) => void)(ajv);

const BUILT_IN = new Set<string>(BUILT_IN_EVENT_TYPES);

export function createEventTypeService(database: Database, audit: AuditService) {
  const validators = new Map<string, ValidateFunction>();

  function compile(schema: Record<string, unknown>): ValidateFunction {
    const key = JSON.stringify(schema);
    let fn = validators.get(key);
    if (!fn) {
      fn = ajv.compile(schema);
      if (validators.size > 1000) validators.clear();
      validators.set(key, fn);
    }
    return fn;
  }

  return {
    isBuiltIn: (type: string) => BUILT_IN.has(type),

    async known(programId: string): Promise<Set<string>> {
      return new Set([...BUILT_IN, ...(await listEventTypes(database.db, programId)).map((t) => t.type)]);
    },

    async list(programId: string): Promise<EventTypeView[]> {
      return [
        ...BUILT_IN_EVENT_TYPES.map((type) => ({
          type,
          builtIn: true,
          description: null,
          attributesSchema: null,
        })),
        ...(await listEventTypes(database.db, programId)).map((t) => ({
          type: t.type,
          builtIn: false,
          description: t.description,
          attributesSchema: t.attributesSchema,
        })),
      ];
    },

    async register(
      programId: string,
      input: { type: string; description?: string; attributesSchema: Record<string, unknown> },
      actor: Actor,
    ): Promise<EventTypeView> {
      if (BUILT_IN.has(input.type))
        throw new FidelisError('event_type_exists', `${input.type} is a built-in event type`);
      try {
        compile(input.attributesSchema);
      } catch (error) {
        throw invalid(`attributesSchema is not a usable JSON schema: ${(error as Error).message}`, {
          attributesSchema: (error as Error).message,
        });
      }
      const created: EventTypeView = {
        type: input.type,
        builtIn: false,
        description: input.description ?? null,
        attributesSchema: input.attributesSchema,
      };
      try {
        await database.transaction(async (tx) => {
          await insertEventType(tx, {
            programId,
            type: input.type,
            description: created.description,
            attributesSchema: input.attributesSchema,
          });
          await audit.record(tx, programId, {
            actor,
            action: 'event_type.create',
            resourceType: 'event_type',
            resourceId: input.type,
            after: { ...created, id: input.type },
          });
        });
      } catch (error) {
        if (isUniqueViolation(error))
          throw new FidelisError('event_type_exists', `The program already has the event type ${input.type}`);
        throw error;
      }
      return created;
    },

    /**
     * Checks the type exists and the attributes fit its schema; throws a precise error otherwise.
     * `at` points to the event within the caller's input ('' when the event is the input).
     */
    async checkEvent(
      programId: string,
      type: string,
      attributes: Record<string, unknown>,
      at = '',
    ): Promise<void> {
      if (BUILT_IN.has(type)) return;
      const row = await findEventType(database.db, programId, type);
      if (!row)
        throw fieldError(
          'event_type_unknown',
          `${type} is not a built-in event type nor one of the program's`,
          {
            [`${at}/type`]: 'unknown event type',
          },
        );
      const validate = compile(row.attributesSchema);
      if (!validate(attributes)) {
        // A list, not fieldError's map: the schema may find several faults in one field.
        const errors = (validate.errors ?? []).map((e) => ({
          path: `${at}/attributes${e.instancePath}`,
          message: e.message ?? 'invalid',
        }));
        throw new FidelisError(
          'event_attributes_invalid',
          errors.map((e) => `${e.path}: ${e.message}`).join('; '),
          { errors },
        );
      }
    },
  };
}

export type EventTypeService = ReturnType<typeof createEventTypeService>;
