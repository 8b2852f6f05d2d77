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
