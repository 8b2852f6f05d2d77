// The portal's message catalogs: every language has every key of English (and nothing else), every
// plural has the categories its language's Intl.PluralRules needs, and every {value} of English.
import { describe, expect, it } from 'vitest';
import { en } from '../../web/src/portal/messages/en.ts';
import { fa } from '../../web/src/portal/messages/fa.ts';
import { id } from '../../web/src/portal/messages/id.ts';
import { pl } from '../../web/src/portal/messages/pl.ts';
import { th } from '../../web/src/portal/messages/th.ts';

// The catalogs web/src/portal/i18n.ts offers (CATALOGS there: the same five).
const CATALOGS = { en, id, pl, fa, th };
const LANGUAGES = Object.keys(CATALOGS) as Array<keyof typeof CATALOGS>;

type Tree = { [key: string]: string | Tree };

/** Every leaf of a catalog: its path and text; plurals as their own leaves (`points.one`). */
function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    if (typeof v === 'string') out.set(`${prefix}${k}`, v);
    else for (const [p, t] of leaves(v, `${prefix}${k}.`)) out.set(p, t);
  }
  return out;
}

const PLURALS = ['points', 'rewards.short'];
const PLURAL_FORMS = new Set(['zero', 'one', 'two', 'few', 'many', 'other']);
const isPluralForm = (path: string) =>
  PLURALS.some((p) => path.startsWith(`${p}.`)) && PLURAL_FORMS.has(path.split('.').at(-1)!);
const valuesOf = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('portal message catalogs', () => {
  const english = leaves(CATALOGS.en as unknown as Tree);

  it.each(LANGUAGES.filter((l) => l !== 'en'))('%s has every key of English and no other', (language) => {
    const own = leaves(CATALOGS[language] as unknown as Tree);
    const keys = (m: Map<string, string>) => [...m.keys()].filter((k) => !isPluralForm(k)).sort();
    expect(keys(own)).toEqual(keys(english));
    for (const [path, text] of own) {
      expect(text.trim(), path).not.toBe('');
      if (!isPluralForm(path))
        expect(valuesOf(text), `${language} ${path}`).toEqual(valuesOf(english.get(path)!));
    }
  });

  it.each(LANGUAGES)('%s has the plural forms its language needs', (language) => {
    const own = leaves(CATALOGS[language] as unknown as Tree);
    const needed = new Intl.PluralRules(language).resolvedOptions().pluralCategories;
    for (const plural of PLURALS)
      for (const category of needed) {
        const text =
          own.get(`${plural}.${category}`) ?? (category === 'other' ? undefined : own.get(`${plural}.other`));
        expect(text, `${language} ${plural}.${category}`).toBeDefined();
        // A language with a category must have its own text for it, not fall back to "other" silently.
        expect(own.has(`${plural}.${category}`), `${language} ${plural}.${category}`).toBe(true);
        expect(valuesOf(text!)).toEqual(['n']);
      }
  });
});
