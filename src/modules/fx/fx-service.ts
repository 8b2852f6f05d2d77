// Exchange rates into each program's base currency, with the dates they apply from. Setting a rate is
// audited (one record per rate, with the rate it replaced).
import { type Actor, actorName } from '../../core/access.ts';
import { startOfLocalDay } from '../../core/calendar.ts';
import { FidelisError, type FieldError, fieldError, fieldErrors } from '../../core/errors.ts';
import { parseDecimal } from '../../core/money.ts';
import { isCalendarDate, isCurrency } from '../../core/reference.ts';
import type { Database, Executor } from '../../db/client.ts';
import { parseCsv } from '../../lib/csv.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { ProgramService } from '../programs/programs-service.ts';
import type { FxRate } from './fx-schemas.ts';
import { listRates, lockRates, rateAt, ratesInForce, upsertRates } from './fx-store.ts';

export interface RateInput {
  currency: string;
  rate: string;
  effectiveFrom: string;
}

/** A rate as the API shows it, with the base currency it converts into. */
function toFxRate(
  row: { currency: string; rate: string; effectiveFrom: Date },
  baseCurrency: string,
): FxRate {
  return {
    currency: row.currency,
    baseCurrency,
    rate: row.rate,
    effectiveFrom: row.effectiveFrom.toISOString(),
  };
}

/** How the audit log names a rate: its currency and the instant it applies from. */
const rateId = (r: { currency: string; effectiveFrom: Date }) =>
  `${r.currency}@${r.effectiveFrom.toISOString()}`;

export function createFxService(database: Database, programs: ProgramService, audit: AuditService) {
  function check(input: RateInput, baseCurrency: string, timeZone: string, at: string): Date | FieldError {
    if (!isCurrency(input.currency))
      return { path: `${at}/currency`, message: `unknown currency ${input.currency}` };
    if (input.currency === baseCurrency)
      return { path: `${at}/currency`, message: `${input.currency} is the base currency` };
    let positive = false;
    try {
      positive = parseDecimal(input.rate).numerator > 0n;
    } catch {}
    if (!positive) return { path: `${at}/rate`, message: 'must be a decimal above 0' };
    if (/^\d{4}-\d{2}-\d{2}$/.test(input.effectiveFrom)) {
      if (!isCalendarDate(input.effectiveFrom)) return { path: `${at}/effectiveFrom`, message: 'not a date' };
      const [year, month, day] = input.effectiveFrom.split('-').map(Number) as [number, number, number];
      return startOfLocalDay({ year, month, day }, timeZone);
    }
    const instant = new Date(input.effectiveFrom);
    if (Number.isNaN(instant.getTime())) return { path: `${at}/effectiveFrom`, message: 'not a date-time' };
    return instant;
  }

  return {
    /**
     * Sets rates (a rate for the same currency and start replaces the earlier one); all or nothing.
     * Each rate is audited (`fx_rate.set`, before: the rate it replaced).
     */
    async set(programId: string, inputs: RateInput[], actor: Actor, lines?: number[]): Promise<FxRate[]> {
      const program = await programs.get(programId);
      const problems: FieldError[] = [];
      const seen = new Map<string, number>();
      const rows = inputs.flatMap((input, i) => {
        const at = lines ? '' : `/rates/${i}`;
        const checked = check(input, program.baseCurrency, program.timeZone, at);
        if (checked instanceof Date) {
          // The same currency and start twice would be two answers to one question.
          const key = `${input.currency}@${checked.toISOString()}`;
          const first = seen.get(key);
          if (first === undefined) {
            seen.set(key, i);
            return [
              {
                programId,
                currency: input.currency,
                rate: input.rate,
                effectiveFrom: checked,
                actor: actorName(actor),
              },
            ];
          }
          const twice = {
            path: `${at}/effectiveFrom`,
            message: `${input.currency} from ${checked.toISOString()} is given twice (also ${lines ? `line ${lines[first]}` : `rates/${first}`})`,
          };
          problems.push(lines ? { ...twice, path: 'effectiveFrom', line: lines[i] } : twice);
          return [];
        }
        problems.push(
          lines ? { ...checked, path: checked.path.replace(/^\//, ''), line: lines[i] } : checked,
        );
        return [];
      });
      if (problems.length > 0) {
        throw lines
          ? new FidelisError('import_invalid_rows', `${problems.length} row(s) are not valid rates`, {
              errors: problems,
            })
          : fieldErrors('validation_failed', problems);
      }
      const rates = rows.map((r) => toFxRate(r, program.baseCurrency));
      await database.transaction(async (tx) => {
        const replaced = new Map(
          (await lockRates(tx, programId, rows)).map((r) => [rateId(r), toFxRate(r, program.baseCurrency)]),
        );
        await upsertRates(tx, rows);
        await audit.recordAll(
          tx,
          programId,
          rows.map((r, i) => ({
            actor,
            action: 'fx_rate.set',
            resourceType: 'fx_rate',
            resourceId: rateId(r),
            before: replaced.get(rateId(r)),
            after: rates[i],
          })),
        );
      });
      return rates;
    },

    /** Sets rates from a CSV file with the columns currency, rate, effectiveFrom. */
    async importCsv(programId: string, text: string, actor: Actor): Promise<FxRate[]> {
      const { headers, rows } = parseCsv(text);
      const missing = ['currency', 'rate', 'effectivefrom'].filter((h) => !headers.includes(h));
      if (missing.length > 0)
        throw new FidelisError('import_invalid_rows', `The file lacks the column(s) ${missing.join(', ')}`, {
          errors: missing.map((m) => ({ line: 1, path: m, message: 'missing column' })),
        });
      return this.set(
        programId,
        rows.map((r) => ({
          currency: r.cells.currency ?? '',
          rate: r.cells.rate ?? '',
          effectiveFrom: r.cells.effectivefrom ?? '',
        })),
        actor,
        rows.map((r) => r.line),
      );
    },

    async list(programId: string, currency?: string): Promise<FxRate[]> {
      const program = await programs.get(programId);
      return (await listRates(database.db, programId, currency)).map((r) =>
        toFxRate(r, program.baseCurrency),
      );
    },

    /** The rates in force at `at` of those of `currencies` that have one, by currency. */
    async ratesInForce(
      programId: string,
      currencies: string[],
      at: Date,
    ): Promise<Map<string, { rate: string; effectiveFrom: Date }>> {
      const rows = await ratesInForce(database.db, programId, currencies, at);
      return new Map(
        rows.map((r) => [r.currency, { rate: r.rate, effectiveFrom: new Date(r.effective_from) }]),
      );
    },

    /** The rate in force for `currency` at `at`, or a fx_rate_missing error. */
    async rateAt(programId: string, currency: string, at: Date, db: Executor = database.db): Promise<string> {
      const row = await rateAt(db, programId, currency, at);
      if (!row)
        throw fieldError(
          'fx_rate_missing',
          `No ${currency} rate is in force at ${at.toISOString()}; add one at /v1/fx-rates`,
          { currency: `no rate for ${currency} at that time` },
        );
      return row.rate;
    },
  };
}

export type FxService = ReturnType<typeof createFxService>;
