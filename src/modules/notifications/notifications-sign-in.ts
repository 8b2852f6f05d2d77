// The member portal's sign-in mail (decision 0029): sent at once over the module's SMTP transport, not
// queued — the mail holds the only copy of the link's token, and a retry hours later would carry a dead
// link. Recorded as a mail of kind `portal.sign_in` (never the link), so the operator sees it was sent.
import type { Transporter } from 'nodemailer';
import { type Branding, mailLocale, renderSignIn } from '../../core/notifications/mail.ts';
import type { Database } from '../../db/client.ts';
import { newId } from '../../lib/ids.ts';
import { contactById } from '../contacts/contacts-reads.ts';
import type { ProgramService } from '../programs/programs-service.ts';
import { brandingOf as mailBranding } from './notifications-settings.ts';
import { insertMails, isOptedOut } from './notifications-store.ts';

export interface SignInLink {
  /** The portal link's id (the mail's key). */
  id: string;
  url: string;
  minutes: number;
}

interface SignInContext {
  database: Database;
  programs: ProgramService;
  transport: Transporter;
  from: string;
  brandingOf(program: { id: string; name: string; settings: Record<string, unknown> }): Branding;
}

/**
 * Sends the sign-in mail in the contact's language; answers whether it was sent (false when the
 * contact is gone or opted out of e-mail, or the SMTP server refused it: the member may ask again).
 */
export async function sendSignInMail(
  { database, programs, transport, from, brandingOf }: SignInContext,
  programId: string,
  contactId: string,
  link: SignInLink,
): Promise<boolean> {
  const contact = await contactById(database.db, programId, contactId);
  if (!contact || (await isOptedOut(database.db, programId, contact.id))) return false;
  const program = await programs.get(programId);
  const locale = mailLocale(contact.locale, program.defaultLocale);
  const rendered = renderSignIn(locale, brandingOf(program), link.url, link.minutes);
  const id = newId('ntm');
  let error: string | null = null;
  try {
    await transport.sendMail({
      from: { name: mailBranding(program).senderName, address: from },
      to: contact.name ? { name: contact.name, address: contact.email } : contact.email,
      subject: rendered.subject,
      html: rendered.html,
      text: rendered.text,
      messageId: `<${id}@fidelis>`,
      headers: { 'X-Fidelis-Mail': id, 'Content-Language': locale },
    });
  } catch (e) {
    error = (e as Error).message.slice(0, 500);
  }
  await insertMails(database.db, [
    {
      programId,
      id,
      key: `portal.sign_in:${link.id}`,
      kind: 'portal.sign_in',
      contactId: contact.id,
      accountId: contact.accountId,
      state: error ? 'failed' : 'sent',
      // Never queued: the dispatcher must not pick it up.
      queued: true,
      attempts: 1,
      toAddress: contact.email,
      subject: rendered.subject,
      locale,
      lastError: error,
      sentAt: error ? null : new Date(),
    },
  ]);
  return error === null;
}
