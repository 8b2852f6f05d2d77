// The rewards catalog: rewards, their code pools and sessions, and browsing with eligibility and
// affordability resolved for an account.
import { FidelisError, type FieldError } from '../../core/errors.ts';
import { minorDigits, valueInMinorUnits } from '../../core/money.ts';
import { decodeCursor, encodeCursor, type Page } from '../../core/pagination.ts';
import { isCurrency } from '../../core/reference.ts';
import { ineligibility, shortBy, unavailability } from '../../core/rewards/eligibility.ts';
import type { Database, Executor } from '../../db/client.ts';
import { parseCsv } from '../../lib/csv.ts';
import { newId } from '../../lib/ids.ts';
import type { AccountService } from '../accounts/accounts-service.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { ContactService } from '../contacts/contacts-service.ts';
import type { LedgerService } from '../ledger/ledger-service.ts';
import { ledgerSettings } from '../ledger/ledger-settings.ts';
import type { ProgramService } from '../programs/programs-service.ts';
import type {
  CreateRewardInput,
  CreateSessionInput,
  ListRewardsInput,
  UpdateRewardInput,
} from './rewards-schemas.ts';
import {
  availableCodes,
  existingCodes,
  findReward,
  insertCodes,
  insertReward,
  insertSession,
  listRewards,
  listSessions,
  lockReward,
  type NewRewardRow,
  patchReward,
  type RewardRow,
  type SessionRow,
} from './rewards-store.ts';
import type { FulfilmentMethod, RewardEligibility, RewardLimits } from './rewards-tables.ts';

/**
 * What the rewards module needs to know about an account beyond the account itself. Tiers and
 * memberships arrive with their own module (issue 6); until then the composition root wires a
 * source that answers "no tier, no memberships".
 */
export type EligibilityFacts = (
  programId: string,
  accountId: string,
) => Promise<{ tier: string | null; memberships: string[] }>;

export type Session = ReturnType<typeof toSession>;

export function toSession(s: SessionRow) {
  return {
    id: s.id,
    name: s.name,
    startsAt: s.startsAt.toISOString(),
    endsAt: s.endsAt?.toISOString() ?? null,
    capacity: s.capacity,
    remaining: s.capacity - s.reserved,
  };
}

function localised(r: RewardRow, locale: string | undefined) {
  if (!locale) return { name: r.name, description: r.description };
  const t = r.translations[locale] ?? r.translations[locale.split('-')[0]!];
  return { name: t?.name ?? r.name, description: t?.description ?? r.description };
}

export interface Redeemable {
  ok: boolean;
  eligible: boolean;
  affordable: boolean;
  inStock: boolean;
  shortBy: number | null;
  reasons: string[];
}

/** How a program values prices: points at its cost per point, in its base currency. */
export interface Valuation {
  currency: string;
  costPerPoint: string;
}

export function toReward(
  r: RewardRow,
  extra: {
    available: number | null;
    valuation: Valuation;
    sessions?: SessionRow[];
    locale?: string;
    redeemable?: Redeemable;
  },
) {
  const { name, description } = localised(r, extra.locale);
  return {
    id: r.id,
    type: r.type,
    name,
    description,
    translations: r.translations,
    imageUrl: r.imageUrl,
    price: {
      amount: r.priceAmount,
      unit: r.priceUnit,
      value:
        r.priceUnit === 'points'
          ? {
              currency: extra.valuation.currency,
              minorUnits: valueInMinorUnits(
                r.priceAmount,
                extra.valuation.costPerPoint,
                extra.valuation.currency,
              ),
            }
          : { currency: r.priceUnit, minorUnits: r.priceAmount },
    },
    faceValue:
      r.faceValueAmount !== null && r.faceValueCurrency !== null
        ? { amount: r.faceValueAmount, currency: r.faceValueCurrency }
        : null,
    stock: {
      kind: r.stockKind,
      available: extra.available,
      low: extra.available !== null && r.lowStockThreshold !== null && extra.available <= r.lowStockThreshold,
    },
    lowStockThreshold: r.lowStockThreshold,
    ...(extra.sessions ? { sessions: extra.sessions.map(toSession) } : {}),
    availableFrom: r.availableFrom?.toISOString() ?? null,
    availableUntil: r.availableUntil?.toISOString() ?? null,
    eligibility: r.eligibility,
    limits: r.limits,
    fulfilment: r.fulfilment,
    status: r.status,
    ...(extra.redeemable ? { redeemable: extra.redeemable } : {}),
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}
export type Reward = ReturnType<typeof toReward>;

function invalid(errors: FieldError[]): never {
  throw new FidelisError('validation_failed', errors.map((e) => `${e.path}: ${e.message}`).join('; '), {
    errors,
  });
}

const date = (v: string | null | undefined) =>
  v === undefined ? undefined : v === null ? null : new Date(v);

export function createRewardService(
  database: Database,
  deps: {
    programs: ProgramService;
    accounts: AccountService;
    contacts: ContactService;
    ledger: LedgerService;
    audit: AuditService;
    eligibilityFacts: EligibilityFacts;
  },
) {
  const { programs, accounts, contacts, ledger, audit } = deps;

  async function valuation(programId: string): Promise<Valuation> {
    const program = await programs.get(programId);
    return { currency: program.baseCurrency, costPerPoint: ledgerSettings(program.settings).costPerPoint };
  }

  async function load(programId: string, id: string, db: Executor = database.db): Promise<RewardRow> {
    const row = await findReward(db, programId, id);
    if (!row) throw new FidelisError('reward_not_found', `No reward ${id}`);
    return row;
  }

  /** Units, codes or places left per reward (null: unlimited), and the upcoming sessions. */
  async function stockOf(
    programId: string,
    rows: RewardRow[],
    now: Date,
  ): Promise<{ available: Map<string, number | null>; sessions: Map<string, SessionRow[]> }> {
    const codes = await availableCodes(
      database.db,
      programId,
      rows.filter((r) => r.stockKind === 'codes').map((r) => r.id),
    );
    const sessionRows = await listSessions(
      database.db,
      programId,
      rows.filter((r) => r.stockKind === 'sessions').map((r) => r.id),
    );
    const sessions = new Map<string, SessionRow[]>();
    for (const s of sessionRows) sessions.set(s.rewardId, [...(sessions.get(s.rewardId) ?? []), s]);
    const available = new Map<string, number | null>();
    for (const r of rows) {
      switch (r.stockKind) {
        case 'unlimited':
          available.set(r.id, null);
          break;
        case 'counted':
          available.set(r.id, r.stockRemaining ?? 0);
          break;
        case 'codes':
          available.set(r.id, codes.get(r.id) ?? 0);
          break;
        case 'sessions':
          available.set(
            r.id,
            (sessions.get(r.id) ?? [])
              .filter((s) => s.startsAt > now)
              .reduce((n, s) => n + s.capacity - s.reserved, 0),
          );
          break;
      }
    }
    return { available, sessions };
  }

  function checkCreate(input: CreateRewardInput): FulfilmentMethod {
    const errors: FieldError[] = [];
    if (input.price.unit !== 'points' && !isCurrency(input.price.unit))
      errors.push({ path: '/body/price/unit', message: `unknown currency ${input.price.unit}` });
    if (input.faceValue && !isCurrency(input.faceValue.currency))
      errors.push({
        path: '/body/faceValue/currency',
        message: `unknown currency ${input.faceValue.currency}`,
      });
    if (
      input.availableFrom &&
      input.availableUntil &&
      new Date(input.availableFrom) >= new Date(input.availableUntil)
    )
      errors.push({ path: '/body/availableUntil', message: 'must be after availableFrom' });
    const fulfilment = input.fulfilment ?? (input.stock.kind === 'codes' ? 'code_pool' : 'manual');
    if ((fulfilment === 'code_pool') !== (input.stock.kind === 'codes'))
      errors.push({
        path: '/body/fulfilment',
        message: 'code_pool fulfilment goes with stock of kind codes, and only with it',
      });
    if (errors.length > 0) invalid(errors);
    return fulfilment;
  }

  async function view(programId: string, row: RewardRow, locale?: string) {
    const { available, sessions } = await stockOf(programId, [row], new Date());
    return toReward(row, {
      available: available.get(row.id) ?? null,
      valuation: await valuation(programId),
      sessions: row.stockKind === 'sessions' ? (sessions.get(row.id) ?? []) : undefined,
      locale,
    });
  }

  return {
    load,

    async create(programId: string, input: CreateRewardInput, actor: string): Promise<Reward> {
      const fulfilment = checkCreate(input);
      const row = await database.transaction(async (tx) => {
        const created = await insertReward(tx, {
          programId,
          id: newId('rwd'),
          type: input.type as RewardRow['type'],
          name: input.name.trim(),
          description: input.description ?? null,
          translations: input.translations ?? {},
          imageUrl: input.imageUrl ?? null,
          priceAmount: input.price.amount,
          priceUnit: input.price.unit,
          faceValueAmount: input.faceValue?.amount ?? null,
          faceValueCurrency: input.faceValue?.currency ?? null,
          stockKind: input.stock.kind,
          stockRemaining: input.stock.kind === 'counted' ? input.stock.quantity : null,
          lowStockThreshold: input.lowStockThreshold ?? null,
          availableFrom: date(input.availableFrom) ?? null,
          availableUntil: date(input.availableUntil) ?? null,
          eligibility: (input.eligibility ?? {}) as RewardEligibility,
          limits: (input.limits ?? {}) as RewardLimits,
          fulfilment,
        });
        await audit.record(tx, programId, {
          actor,
          action: 'reward.create',
          resourceType: 'reward',
          resourceId: created.id,
          after: created,
        });
        return created;
      });
      return view(programId, row);
    },

    async get(programId: string, id: string): Promise<Reward> {
      return view(programId, await load(programId, id));
    },

    async update(programId: string, id: string, input: UpdateRewardInput, actor: string): Promise<Reward> {
      const current = await load(programId, id);
      const errors: FieldError[] = [];
      if (input.price && input.price.unit !== 'points' && !isCurrency(input.price.unit))
        errors.push({ path: '/body/price/unit', message: `unknown currency ${input.price.unit}` });
      if (input.faceValue && !isCurrency(input.faceValue.currency))
        errors.push({
          path: '/body/faceValue/currency',
          message: `unknown currency ${input.faceValue.currency}`,
        });
      if (input.stockQuantity !== undefined && current.stockKind !== 'counted')
        errors.push({ path: '/body/stockQuantity', message: `the reward's stock is ${current.stockKind}` });
      const from = input.availableFrom !== undefined ? date(input.availableFrom) : current.availableFrom;
      const until = input.availableUntil !== undefined ? date(input.availableUntil) : current.availableUntil;
      if (from && until && from >= until)
        errors.push({ path: '/body/availableUntil', message: 'must be after availableFrom' });
      if (errors.length > 0) invalid(errors);
      const patch: Partial<NewRewardRow> = {};
      if (input.name !== undefined) patch.name = input.name.trim();
      if (input.description !== undefined) patch.description = input.description;
      if (input.translations !== undefined) patch.translations = input.translations;
      if (input.imageUrl !== undefined) patch.imageUrl = input.imageUrl;
      if (input.price !== undefined) {
        patch.priceAmount = input.price.amount;
        patch.priceUnit = input.price.unit;
      }
      if (input.faceValue !== undefined) {
        patch.faceValueAmount = input.faceValue?.amount ?? null;
        patch.faceValueCurrency = input.faceValue?.currency ?? null;
      }
      if (input.stockQuantity !== undefined) patch.stockRemaining = input.stockQuantity;
      if (input.lowStockThreshold !== undefined) patch.lowStockThreshold = input.lowStockThreshold;
      if (input.availableFrom !== undefined) patch.availableFrom = from ?? null;
      if (input.availableUntil !== undefined) patch.availableUntil = until ?? null;
      if (input.eligibility !== undefined) patch.eligibility = input.eligibility as RewardEligibility;
      if (input.limits !== undefined) patch.limits = input.limits as RewardLimits;
      if (input.status !== undefined) patch.status = input.status;
      const row = await database.transaction(async (tx) => {
        const before = await lockReward(tx, programId, id);
        if (!before) throw new FidelisError('reward_not_found', `No reward ${id}`);
        const after = (await patchReward(tx, programId, id, patch))!;
        await audit.record(tx, programId, {
          actor,
          action: 'reward.update',
          resourceType: 'reward',
          resourceId: id,
          before,
          after,
        });
        return after;
      });
      return view(programId, row);
    },

    /** Adds codes to a reward's pool; a code the reward has already, or one given twice, refuses the whole import. */
    async importCodes(
      programId: string,
      id: string,
      codes: string[],
      actor: string,
    ): Promise<{ imported: number; available: number; low: boolean }> {
      const reward = await load(programId, id);
      if (reward.stockKind !== 'codes') {
        invalid([{ path: '/body', message: `the reward's stock is ${reward.stockKind}, not a code pool` }]);
      }
      const seen = new Set<string>();
      const errors: FieldError[] = [];
      codes.forEach((code, i) => {
        if (seen.has(code)) errors.push({ path: `/body/codes/${i}`, message: `${code} appears twice` });
        seen.add(code);
      });
      return database.transaction(async (tx) => {
        // Under the reward's row lock, so two imports cannot both add the same code.
        await lockReward(tx, programId, id);
        for (const code of await existingCodes(tx, programId, id, [...seen])) {
          errors.push({ path: `/body/codes/${codes.indexOf(code)}`, message: `${code} exists already` });
        }
        if (errors.length > 0) {
          throw new FidelisError(
            'duplicate_codes',
            `${errors.length} code(s) are duplicates; nothing was imported`,
            { errors: errors.slice(0, 1000) },
          );
        }
        await insertCodes(
          tx,
          codes.map((code) => ({ programId, id: newId('cod'), rewardId: id, code })),
        );
        await audit.record(tx, programId, {
          actor,
          action: 'reward.import_codes',
          resourceType: 'reward',
          resourceId: id,
          after: { imported: codes.length },
        });
        const available = (await availableCodes(tx, programId, [id])).get(id) ?? 0;
        return {
          imported: codes.length,
          available,
          low: reward.lowStockThreshold !== null && available <= reward.lowStockThreshold,
        };
      });
    },

    /** Codes from a CSV file: a column named code (or the only column). */
    codesFromCsv(text: string): string[] {
      const { headers, rows } = parseCsv(text);
      const column = headers.includes('code') ? 'code' : headers.length === 1 ? headers[0]! : undefined;
      if (!column) {
        throw new FidelisError('import_invalid_rows', 'The file needs a column named code', {
          errors: [{ line: 1, path: 'code', message: 'missing column' }],
        });
      }
      const errors: FieldError[] = [];
      const codes: string[] = [];
      for (const row of rows) {
        const code = row.cells[column] ?? '';
        if (code === '' || code.length > 500) {
          errors.push({
            line: row.line,
            path: column,
            message: code === '' ? 'empty code' : 'longer than 500',
          });
        } else codes.push(code);
      }
      if (errors.length > 0)
        throw new FidelisError('import_invalid_rows', `${errors.length} row(s) are invalid`, { errors });
      if (codes.length === 0) throw new FidelisError('import_malformed_csv', 'The file holds no codes');
      return codes;
    },

    async addSession(programId: string, id: string, input: CreateSessionInput, actor: string) {
      const reward = await load(programId, id);
      const errors: FieldError[] = [];
      if (reward.stockKind !== 'sessions')
        errors.push({ path: '/body', message: `the reward's stock is ${reward.stockKind}, not sessions` });
      if (input.endsAt && new Date(input.endsAt) <= new Date(input.startsAt))
        errors.push({ path: '/body/endsAt', message: 'must be after startsAt' });
      if (errors.length > 0) invalid(errors);
      const row = await database.transaction(async (tx) => {
        const created = await insertSession(tx, {
          programId,
          id: newId('ses'),
          rewardId: id,
          name: input.name ?? null,
          startsAt: new Date(input.startsAt),
          endsAt: date(input.endsAt) ?? null,
          capacity: input.capacity,
        });
        await audit.record(tx, programId, {
          actor,
          action: 'reward.add_session',
          resourceType: 'reward',
          resourceId: id,
          after: created,
        });
        return created;
      });
      return toSession(row);
    },

    async sessions(programId: string, id: string) {
      await load(programId, id);
      return (await listSessions(database.db, programId, [id])).map(toSession);
    },

    /** The catalog, in pages; for an account (and contact), whether and why (not) each reward can be redeemed. */
    async list(programId: string, query: ListRewardsInput): Promise<Page<Reward>> {
      const limit = query.limit ?? 50;
      const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
      if (query.cursor !== undefined && after === undefined) throw new FidelisError('invalid_cursor');
      const now = new Date();
      let who:
        | {
            facts: Parameters<typeof ineligibility>[1];
            accountStatus: string;
            wallets: Map<string, number>;
          }
        | undefined;
      if (query.contact !== undefined && query.account === undefined) {
        invalid([{ path: '/querystring/contact', message: 'needs account' }]);
      }
      if (query.account !== undefined) {
        const account = await accounts.resolve(programId, query.account);
        const contact =
          query.contact === undefined ? undefined : await contacts.get(programId, query.contact);
        if (contact && contact.accountId !== account.id) {
          invalid([{ path: '/querystring/contact', message: 'is a contact of another account' }]);
        }
        const facts = await deps.eligibilityFacts(programId, account.id);
        const summary = await ledger.summary(programId, account.id);
        who = {
          facts: { segment: account.segment, country: account.country, ...facts, role: contact?.role },
          accountStatus: account.status,
          wallets: new Map(summary.map((w) => [w.unit, w.available])),
        };
      }
      const rows = await listRewards(
        database.db,
        programId,
        { type: query.type, status: query.status ?? (who ? 'active' : undefined) },
        after,
        limit + 1,
      );
      const page = rows.slice(0, limit);
      const { available, sessions } = await stockOf(programId, page, now);
      const worth = await valuation(programId);
      const data = page.map((r) => {
        const left = available.get(r.id) ?? null;
        let redeemable: Redeemable | undefined;
        if (who) {
          const notNow = unavailability(r, now);
          const reasons = [
            ...(notNow ? [notNow] : []),
            ...(who.accountStatus === 'enrolled' ? [] : [`the account is ${who.accountStatus}`]),
            ...ineligibility(r.eligibility, who.facts),
          ];
          const eligible = reasons.length === 0;
          const balance = who.wallets.get(r.priceUnit) ?? 0;
          const missing = Math.max(0, r.priceAmount - balance);
          if (missing > 0)
            reasons.push(
              shortBy(missing, r.priceUnit, r.priceUnit === 'points' ? 0 : minorDigits(r.priceUnit)),
            );
          const inStock = left === null || left > 0;
          if (!inStock) reasons.push('out of stock');
          redeemable = {
            ok: reasons.length === 0,
            eligible,
            affordable: missing === 0,
            inStock,
            shortBy: missing > 0 ? missing : null,
            reasons,
          };
        }
        return toReward(r, {
          available: left,
          valuation: worth,
          sessions: r.stockKind === 'sessions' ? (sessions.get(r.id) ?? []) : undefined,
          locale: query.locale,
          redeemable,
        });
      });
      const last = page[page.length - 1];
      return { data, nextCursor: rows.length > limit && last ? encodeCursor(last.id) : null };
    },
  };
}

export type RewardService = ReturnType<typeof createRewardService>;
