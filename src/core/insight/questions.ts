// Survey questions beside the NPS question (docs/metrics.md, "Survey questions"): CSAT (1–5, satisfied
// at 4–5), a 0–10 scale, one choice among options, or free text; their checks and their results. Pure.

export const QUESTION_KINDS = ['csat', 'scale', 'choice', 'text'] as const;
export type QuestionKind = (typeof QUESTION_KINDS)[number];

/** Wording by locale; `default` is shown when the respondent's locale has none. */
export type Wording = Record<string, string>;

export interface Question {
  key: string;
  kind: QuestionKind;
  label: Wording;
  required?: boolean;
  options?: Array<{ value: string; label: Wording }>;
}

export type Responses = Record<string, number | string>;

export const TEXT_MAX = 2000;

/** The wording for a locale: the locale, then its language, then the default. */
export function wordingIn(wording: Wording, wanted: string | undefined): string {
  return (wanted && (wording[wanted] ?? wording[wanted.split('-')[0]!])) || wording.default!;
}

/** What is wrong with a survey's questions, as field errors relative to the survey (`questions/0/options`). */
export function questionProblems(questions: Question[]): Record<string, string> {
  const errors: Record<string, string> = {};
  const seen = new Set<string>();
  questions.forEach((q, i) => {
    if (seen.has(q.key)) errors[`questions/${i}/key`] = `${q.key} is used by an earlier question`;
    seen.add(q.key);
    if (!q.label.default) errors[`questions/${i}/label/default`] = 'required';
    if (q.kind === 'choice') {
      const values = (q.options ?? []).map((o) => o.value);
      if (values.length < 2) errors[`questions/${i}/options`] = 'a choice needs at least two options';
      else if (new Set(values).size !== values.length)
        errors[`questions/${i}/options`] = 'option values must differ';
      (q.options ?? []).forEach((o, j) => {
        if (!o.label.default) errors[`questions/${i}/options/${j}/label/default`] = 'required';
      });
    } else if (q.options !== undefined)
      errors[`questions/${i}/options`] = `only a choice has options, not a ${q.kind}`;
  });
  return errors;
}

/** What is wrong with an answer's responses to these questions, as field errors (`responses/<key>`). */
export function responseProblems(questions: Question[], responses: Responses): Record<string, string> {
  const errors: Record<string, string> = {};
  const byKey = new Map(questions.map((q) => [q.key, q]));
  for (const key of Object.keys(responses))
    if (!byKey.has(key)) errors[`responses/${key}`] = 'not a question of this survey';
  for (const q of questions) {
    const value = responses[q.key];
    const at = `responses/${q.key}`;
    if (value === undefined) {
      if (q.required) errors[at] = 'required';
      continue;
    }
    const whole = (lo: number, hi: number) =>
      typeof value === 'number' && Number.isInteger(value) && value >= lo && value <= hi;
    if (q.kind === 'csat' && !whole(1, 5)) errors[at] = 'must be a whole number from 1 to 5';
    else if (q.kind === 'scale' && !whole(0, 10)) errors[at] = 'must be a whole number from 0 to 10';
    else if (q.kind === 'choice' && !(q.options ?? []).some((o) => o.value === value))
      errors[at] = `must be one of ${(q.options ?? []).map((o) => o.value).join(', ')}`;
    else if (
      q.kind === 'text' &&
      (typeof value !== 'string' || value.trim() === '' || value.length > TEXT_MAX)
    )
      errors[at] = `must be text of 1 to ${TEXT_MAX} characters`;
  }
  return errors;
}

export interface QuestionResult {
  key: string;
  kind: QuestionKind;
  /** Answers that responded to this question. */
  answers: number;
  /** csat: answers of 4 or 5, and their share in % (one decimal; null without answers). */
  satisfied?: number;
  csat?: number | null;
  /** csat and scale: the mean (two decimals; null without answers). */
  average?: number | null;
  /** csat, scale and choice: how many gave each value (every possible value listed, in order). */
  distribution?: Array<{ value: string; count: number }>;
}

export function questionResults(questions: Question[], responses: Array<Responses | null>): QuestionResult[] {
  return questions.map((q) => {
    const given = responses.flatMap((r) => (r && r[q.key] !== undefined ? [r[q.key]!] : []));
    const result: QuestionResult = { key: q.key, kind: q.kind, answers: given.length };
    if (q.kind === 'text') return result;
    const values =
      q.kind === 'choice'
        ? (q.options ?? []).map((o) => o.value)
        : Array.from({ length: q.kind === 'csat' ? 5 : 11 }, (_, n) => String(q.kind === 'csat' ? n + 1 : n));
    result.distribution = values.map((value) => ({
      value,
      count: given.filter((g) => String(g) === value).length,
    }));
    if (q.kind === 'choice') return result;
    const numbers = given.map(Number);
    result.average =
      numbers.length === 0
        ? null
        : Math.round((numbers.reduce((s, x) => s + x, 0) / numbers.length) * 100) / 100;
    if (q.kind === 'csat') {
      result.satisfied = numbers.filter((n) => n >= 4).length;
      result.csat = numbers.length === 0 ? null : Math.round((result.satisfied / numbers.length) * 1000) / 10;
    }
    return result;
  });
}
