// The portal's shell: the session (opening a link first when the address carries one), the
// program's branding, the language, and the four sections.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, data, ProblemError, type Schemas, setCsrfToken } from '../api/client';
import {
  applyLanguage,
  CATALOGS,
  I18n,
  initialLanguage,
  LANGUAGES,
  type Language,
  rememberLanguage,
  translator,
} from './i18n';
import { setMemberCsrfToken } from './member-api';
import { Challenges } from './pages/Challenges';
import { Company } from './pages/Company';
import { History } from './pages/History';
import { Home } from './pages/Home';
import { MyRewards } from './pages/MyRewards';
import { Perks } from './pages/Perks';
import { Referrals } from './pages/Referrals';
import { Rewards } from './pages/Rewards';
import { SignIn } from './pages/SignIn';
import { Statements } from './pages/Statements';
import { Surveys } from './pages/Surveys';

const SECTIONS = [
  'home',
  'history',
  'rewards',
  'mine',
  'perks',
  'challenges',
  'referrals',
  'statements',
  'surveys',
  'company',
] as const;
type Section = (typeof SECTIONS)[number];

/** /portal/{slug}/{section}: the slug and the section (home when none). */
function whereAmI(): { slug: string; section: Section | 'enter' } {
  const [, , slug = '', part = ''] = window.location.pathname.split('/');
  const section = part === 'enter' ? 'enter' : (SECTIONS.find((s) => s === part) ?? 'home');
  return { slug, section };
}

const pathOf = (slug: string, section: Section) => `/portal/${slug}/${section === 'home' ? '' : section}`;

// `company` (whether the contact's role sees the company view) and `signInByMail` are newer than the
// generated client types.
type Session = Schemas['PortalSession'] & { company?: boolean };
type Branding = Schemas['PortalBranding'] & { signInByMail?: boolean };

/** Opens the link's token (once) or reads the current session; null when signed out. */
async function openSession(slug: string): Promise<{ session: Session | null; linkUsed: boolean }> {
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token');
  if (token) {
    // The token leaves the address at once: it is single-use, and never kept in history.
    window.history.replaceState(null, '', pathOf(slug, 'home'));
    const opened = await api.POST('/portal/api/session', { body: { slug, token } });
    if (opened.data) return { session: opened.data, linkUsed: false };
    if (opened.response.status !== 401) throw new ProblemError(opened.error as never);
    return { session: null, linkUsed: true };
  }
  const current = await api.GET('/portal/api/session');
  if (current.data) return { session: current.data, linkUsed: false };
  if (current.response.status === 401) return { session: null, linkUsed: false };
  throw new ProblemError(current.error as never);
}

export function App() {
  const [{ slug }, setPlace] = useState(whereAmI);
  const [section, setSection] = useState<Section>(() => {
    const s = whereAmI().section;
    return s === 'enter' ? 'home' : s;
  });
  const opened = useQuery({
    queryKey: ['session', slug],
    queryFn: () => openSession(slug),
    staleTime: Infinity,
  });
  const session = opened.data?.session ?? null;
  const branding = useQuery({
    queryKey: ['portal', slug],
    queryFn: async (): Promise<Branding> =>
      data(api.GET('/portal/api/portals/{slug}', { params: { path: { slug } } })),
    enabled: opened.isSuccess && !session,
  });
  const portal = session?.portal ?? branding.data;
  const [language, setLanguage] = useState<Language | undefined>();
  const lang = language ?? initialLanguage(session?.contact.locale, branding.data?.defaultLocale);
  const i18n = translator(lang);
  const { m } = i18n;
  const queryClient = useQueryClient();

  useEffect(() => applyLanguage(lang), [lang]);
  useEffect(() => {
    setCsrfToken(session?.csrfToken);
    setMemberCsrfToken(session?.csrfToken);
  }, [session]);
  useEffect(() => {
    if (!portal) return;
    document.title = portal.name;
    const root = document.documentElement.style;
    root.setProperty('--primary', portal.colors.primary);
    root.setProperty('--on-primary', portal.colors.onPrimary);
  }, [portal]);
  useEffect(() => {
    const back = () => {
      const here = whereAmI();
      setPlace(here);
      setSection(here.section === 'enter' ? 'home' : here.section);
    };
    window.addEventListener('popstate', back);
    return () => window.removeEventListener('popstate', back);
  }, []);

  const go = (to: Section) => {
    window.history.pushState(null, '', pathOf(slug, to));
    setSection(to);
  };
  const choose = (to: Language) => {
    rememberLanguage(to);
    setLanguage(to);
  };
  const signOut = async () => {
    await api.DELETE('/portal/api/session');
    queryClient.setQueryData(['session', slug], { session: null, linkUsed: false });
  };

  return (
    <I18n.Provider value={i18n}>
      <header className="bar">
        <div className="brand">
          {portal?.logoUrl ? <img src={portal.logoUrl} alt="" className="logo" /> : null}
          <span className="brand-name" dir="auto">
            {portal?.name ?? ''}
          </span>
        </div>
        <label className="language">
          <span className="visually-hidden">{m.language}</span>
          <select value={lang} onChange={(e) => choose(e.target.value as Language)} aria-label={m.language}>
            {LANGUAGES.map((l) => (
              <option key={l} value={l} lang={l}>
                {CATALOGS[l].languageName}
              </option>
            ))}
          </select>
        </label>
      </header>
      {opened.isPending ? (
        <main className="content">
          <p role="status">{m.loading}</p>
        </main>
      ) : opened.isError ? (
        <main className="content">
          <p role="alert">{m.failed}</p>
          <button type="button" onClick={() => opened.refetch()}>
            {m.retry}
          </button>
        </main>
      ) : !session ? (
        <main className="content">
          <h1>{m.signedOut.title}</h1>
          <p>{opened.data?.linkUsed ? m.signedOut.linkUsed : m.signedOut.body}</p>
          {branding.data?.signInByMail ? <SignIn slug={slug} /> : null}
        </main>
      ) : (
        <>
          <nav className="tabs" aria-label={m.nav.label}>
            {SECTIONS.filter((s) => s !== 'company' || session.company).map((s) => (
              <a
                key={s}
                href={pathOf(slug, s)}
                aria-current={s === section ? 'page' : undefined}
                onClick={(e) => {
                  e.preventDefault();
                  go(s);
                }}
              >
                {m.nav[s]}
              </a>
            ))}
          </nav>
          <main className="content">
            <p className="hello">
              {i18n.t(m.hello, { name: session.contact.name ?? session.contact.email })}
              <button type="button" className="link" onClick={signOut}>
                {m.signOut}
              </button>
            </p>
            {section === 'home' && <Home />}
            {section === 'history' && <History />}
            {section === 'rewards' && <Rewards />}
            {section === 'mine' && <MyRewards />}
            {section === 'perks' && <Perks />}
            {section === 'challenges' && <Challenges />}
            {section === 'referrals' && <Referrals />}
            {section === 'statements' && <Statements />}
            {section === 'surveys' && <Surveys />}
            {section === 'company' && (session.company ? <Company /> : <Home />)}
          </main>
        </>
      )}
    </I18n.Provider>
  );
}
