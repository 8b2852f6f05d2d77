// Net Promoter Score: answers 0–10 to "how likely are you to recommend us?"; 9–10 promoters, 7–8
// passives, 0–6 detractors; NPS = % promoters − % detractors (−100..100). Pure.

export type NpsCategory = 'promoter' | 'passive' | 'detractor';

export function categoryOf(score: number): NpsCategory {
  return score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor';
}

export interface Nps {
  answers: number;
  promoters: number;
  passives: number;
  detractors: number;
  /** % promoters − % detractors, rounded to one decimal; null without answers. */
  nps: number | null;
}

export function npsOf(scores: number[]): Nps {
  let promoters = 0;
  let passives = 0;
  let detractors = 0;
  for (const s of scores) {
    const c = categoryOf(s);
    if (c === 'promoter') promoters++;
    else if (c === 'passive') passives++;
    else detractors++;
  }
  const n = scores.length;
  return {
    answers: n,
    promoters,
    passives,
    detractors,
    nps: n === 0 ? null : Math.round(((promoters - detractors) / n) * 1000) / 10,
  };
}

/** An account's answers beside its value: the B2B view of "promoters with high CLV". */
export interface NpsValueRow {
  accountId: string;
  answers: number;
  averageScore: number;
  /** The category of the account's average score (its contacts' answers together). */
  category: NpsCategory;
  /** Historical CLV: net revenue to the period's end, minor units of the base currency. */
  clvMinor: number;
  /** At or above the median historical CLV of the program's customers. */
  highClv: boolean;
}

/** The median of values (the mean of the middle two for an even count); null for none. */
export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * NPS crossed with CLV: each answering account's category (of its average score) and whether its
 * historical CLV is high (≥ the median over every customer, `customersClv`); accounts without orders
 * have a CLV of 0. Sorted by CLV, highest first.
 */
export function npsByValue(
  scores: Map<string, number[]>,
  clvOf: (accountId: string) => number,
  customersClv: number[],
): { medianClv: number | null; rows: NpsValueRow[] } {
  const medianClv = median(customersClv);
  const rows = [...scores.entries()].map(([accountId, list]) => {
    const averageScore = Math.round((list.reduce((s, x) => s + x, 0) / list.length) * 100) / 100;
    const clvMinor = clvOf(accountId);
    return {
      accountId,
      answers: list.length,
      averageScore,
      category: categoryOf(Math.floor(averageScore)),
      clvMinor,
      highClv: medianClv !== null && clvMinor >= medianClv && clvMinor > 0,
    };
  });
  rows.sort((a, b) => b.clvMinor - a.clvMinor || (a.accountId < b.accountId ? -1 : 1));
  return { medianClv, rows };
}
