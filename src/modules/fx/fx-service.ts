// Exchange rates into each program's base currency, with the dates they apply from.
import { startOfLocalDay } from '../../core/calendar.ts';
import { FidelisError, type FieldError, fieldError, fieldErrors } from '../../core/errors.ts';
import { parseDecimal } from '../../core/money.ts';
import { isCalendarDate, isCurrency } from '../../core/reference.ts';
import type { Database, Executor } from '../../db/client.ts';
import { parseCsv } from '../../lib/csv.ts';
import type { ProgramService } from '../programs/programs-service.ts';
import type { FxRate } from './fx-schemas.ts';
import { listRates, rateAt, upsertRates } from './fx-store.ts';

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

export function createFxService(database: Database, programs: ProgramService) {
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
    /** Sets rates (a rate for the same currency and start replaces the earlier one); all or nothing. */
    async set(
      programId: string,
      inputs: RateInput[],
      actor: string | null,
      lines?: number[],
    ): Promise<FxRate[]> {
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
            return [{ programId, currency: input.currency, rate: input.rate, effectiveFrom: checked, actor }];
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
      await database.transaction((tx) => upsertRates(tx, rows));
      return rows.map((r) => toFxRate(r, program.baseCurrency));
    },

    /** Sets rates from a CSV file with the columns currency, rate, effectiveFrom. */
    async importCsv(programId: string, text: string, actor: string | null): Promise<FxRate[]> {
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
