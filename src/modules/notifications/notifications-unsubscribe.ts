// The unsubscribe link every mail carries (decision 0031): the random token of one mail row names
// its program and contact. The page asks first (a GET changes nothing: mail scanners open links);
// the POST — the page's button or the mail client's one-click (RFC 8058) — opts the contact out.
import type { Actor } from '../../core/access.ts';
import { type Branding, mailLocale, renderUnsubscribePage } from '../../core/notifications/mail.ts';
import type { Database } from '../../db/client.ts';
import { contactById } from '../contacts/contacts-reads.ts';
import type { ProgramService } from '../programs/programs-service.ts';
import { brandingOf } from './notifications-settings.ts';
import { findMailByUnsubscribeToken } from './notifications-store.ts';

/** The page of a link no mail carries names no program. */
const NO_PROGRAM: Branding = {
  name: 'Fidelis',
  logoUrl: null,
  colors: { primary: '#333333', onPrimary: '#ffffff' },
};

export interface UnsubscribePageResult {
  html: string;
  /** false: no mail carries the token (the page says the link is not valid). */
  found: boolean;
}

/** `ola@acme.test` → `o**@acme.test`: the page names the address without showing it whole. */
export function maskedAddress(email: string): string {
  const at = email.lastIndexOf('@');
  return at <= 0 ? '***' : `${email[0]}**${email.slice(at)}`;
}

/** The mail, program and contact a token names, if a mail carries it. */
async function unsubscribing(database: Database, deps: { programs: ProgramService }, token: string) {
  const mail = /^[\w-]{16,64}$/.test(token)
    ? await findMailByUnsubscribeToken(database.db, token)
    : undefined;
  if (!mail) return null;
  const contact = await contactById(database.db, mail.programId, mail.contactId);
  if (!contact) return null;
  const program = await deps.programs.get(mail.programId);
  return { mail, program, contact, locale: mailLocale(contact.locale, program.defaultLocale) };
}

const invalid = (): UnsubscribePageResult => ({
  html: renderUnsubscribePage('en', NO_PROGRAM, 'invalid'),
  found: false,
});

/** The page the link opens, in the contact's language: the question and its button. */
export async function unsubscribePage(
  database: Database,
  deps: { programs: ProgramService },
  token: string,
): Promise<UnsubscribePageResult> {
  const found = await unsubscribing(database, deps, token);
  if (!found) return invalid();
  const { program, contact, locale } = found;
  return {
    html: renderUnsubscribePage(locale, brandingOf(program), 'ask', { email: maskedAddress(contact.email) }),
    found: true,
  };
}

/** Opts the contact out (idempotent; audited by `optOut` as the contact's own act) and says so. */
export async function unsubscribe(
  database: Database,
  deps: { programs: ProgramService },
  token: string,
  optOut: (programId: string, contactId: string, actor: Actor) => Promise<unknown>,
): Promise<UnsubscribePageResult> {
  const found = await unsubscribing(database, deps, token);
  if (!found) return invalid();
  const { mail, program, contact, locale } = found;
  await optOut(mail.programId, contact.id, { kind: 'contact', contactId: contact.id });
  return {
    html: renderUnsubscribePage(locale, brandingOf(program), 'done', { email: maskedAddress(contact.email) }),
    found: true,
  };
}
