// E-mail notifications and statements (decision 0027). Which outbox messages are mailed to which
// contacts of the account is program configuration (`settings.notifications.mail`); a dispatcher in
// every running instance turns those messages into mails (one per contact, once: a unique key), and
// queues each mail's job; the job renders the mail in the contact's language and sends it over SMTP
// (nodemailer), retried with back-off by the queue. Nothing is sent inside a request's transaction.
// The monthly or quarterly statement of an account is computed from the journal up to the period's
// end (decision 0037); the due run schedules a period's statements once (a statement run row per
// program and period), and announces lots expiring soon (`points.expiring_soon`, once per lot and
// expiry date) through the outbox.
import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { Actor } from '../../core/access.ts';
import { systemActor } from '../../core/access.ts';
import { FidelisError } from '../../core/errors.ts';
import {
  MAILED_TYPES,
  mailLocale,
  type NoticeKind,
  type RenderedMail,
  renderNotice,
} from '../../core/notifications/mail.ts';
import { renderStatement, type StatementFigures } from '../../core/notifications/statement-mail.ts';
import type { StatementCadence } from '../../core/notifications/statement-period.ts';
import { fetchPage, type Page } from '../../core/pagination.ts';
import type { Database } from '../../db/client.ts';
import type { AccountService } from '../accounts/accounts-service.ts';
import type { AuditService } from '../audit/audit-service.ts';
import { contactById } from '../contacts/contacts-reads.ts';
import type { JobService, QueuePolicy } from '../jobs/jobs-service.ts';
import type { OutboxService } from '../outbox/outbox-service.ts';
import type { ProgramService } from '../programs/programs-service.ts';
import { rewardNameIn } from '../rewards/rewards-reads.ts';
import type { TierService } from '../tiers/tiers-service.ts';
import { mailsOfMessage } from './notifications-recipients.ts';
import { brandingOf, notificationPolicy } from './notifications-settings.ts';
import { type SignInLink, sendSignInMail } from './notifications-sign-in.ts';
import { createStatements } from './notifications-statements.ts';
import {
  deleteOptOut,
  findMail,
  insertMails,
  insertOptOut,
  isOptedOut,
  listMails,
  lockUnqueuedMails,
  type MailFilters,
  type MailRow,
  type NewMailRow,
  updateMail,
} from './notifications-store.ts';
import { unsubscribe, unsubscribePage } from './notifications-unsubscribe.ts';

export const MAIL_QUEUE = 'notification-mail';

/** 1 min, 2 min, 4 min … up to 6 h between attempts; the 11th and last about a day after the first. */
export const MAIL_POLICY: QueuePolicy = {
  retryLimit: 10,
  retryDelay: 60,
  retryBackoff: true,
  retryDelayMax: 6 * 3600,
  expireInSeconds: 120,
};

const JOB = systemActor('notifications');

export interface NotificationOptions {
  /** `smtp://user:pass@host:port` or `smtps://…` (SMTP_URL). Unset: e-mail is disabled. */
  smtpUrl?: string;
  /** The sender's address (SMTP_FROM). */
  from?: string;
  policy?: QueuePolicy;
  /** How often an instance looks for messages to mail and mails to queue (ms). */
  dispatchIntervalMs?: number;
  /** Where members reach this server (FIDELIS_PUBLIC_URL), for the unsubscribe links mails carry. */
  publicUrl?: string;
}

export interface NotificationDeps {
  programs: ProgramService;
  accounts: AccountService;
  audit: AuditService;
  jobs: JobService;
  outbox: OutboxService;
  /** The tier and progress at a period's end (rank 6). */
  tiers: Pick<TierService, 'standingAt'>;
}

export interface Statement extends StatementFigures {
  accountId: string;
  cadence: StatementCadence;
  start: string;
  end: string;
}

/** A job id for a mail (pg-boss ids are UUIDs): the same mail always gets the same job. */
function jobIdOf(mailId: string): string {
  const h = createHash('sha256').update(`mail:${mailId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function toMailView(row: MailRow) {
  return {
    id: row.id,
    kind: row.kind,
    contactId: row.contactId,
    accountId: row.accountId,
    messageId: row.messageId,
    period: row.period,
    state: row.state,
    attempts: row.attempts,
    to: row.toAddress,
    subject: row.subject,
    locale: row.locale,
    lastError: row.lastError,
    createdAt: row.createdAt.toISOString(),
    sentAt: row.sentAt?.toISOString() ?? null,
  };
}

export function createNotificationService(
  database: Database,
  deps: NotificationDeps,
  options: NotificationOptions = {},
) {
  const policy = options.policy ?? MAIL_POLICY;
  const transport = options.smtpUrl ? nodemailer.createTransport(options.smtpUrl) : null;
  const from = options.from ?? 'fidelis@localhost';
  const { statement, announceExpiring, previousPeriod, scheduleStatements } = createStatements(
    database,
    deps,
  );

  /**
   * One dispatch step: mailed messages become mails, and mails without a job get one (in one
   * transaction; the jobs are written in it, so a mail is never queued twice nor lost).
   */
  async function dispatch(limit = 100): Promise<number> {
    if (!deps.jobs.started || !transport) return 0;
    return database.transaction(async (tx) => {
      const messages = await deps.outbox.claimUnnotified(tx, limit);
      const rows: NewMailRow[] = [];
      for (const message of messages)
        if ((MAILED_TYPES as readonly string[]).includes(message.type))
          rows.push(...(await mailsOfMessage(deps, tx, message)));
      await insertMails(tx, rows);
      await deps.outbox.markNotified(tx, messages);
      const waiting = await lockUnqueuedMails(tx, limit);
      for (const mail of waiting) {
        await deps.jobs.send(MAIL_QUEUE, mail.programId, { mailId: mail.id }, { id: jobIdOf(mail.id) }, tx);
        await updateMail(tx, mail.programId, mail.id, { queued: true });
      }
      return messages.length + waiting.length;
    });
  }

  const publicUrl = (options.publicUrl ?? 'http://localhost:3000').replace(/\/+$/, '');
  const unsubscribeUrlOf = (mail: MailRow) =>
    mail.unsubscribeToken ? `${publicUrl}/unsubscribe/${mail.unsubscribeToken}` : undefined;

  async function render(mail: MailRow, locale: ReturnType<typeof mailLocale>): Promise<RenderedMail | null> {
    const program = await deps.programs.get(mail.programId);
    const branding = brandingOf(program);
    const unsubscribeUrl = unsubscribeUrlOf(mail);
    if (mail.kind === 'statement') {
      const { figures } = await statement(mail.programId, mail.accountId, mail.period!, new Date(), locale);
      return renderStatement(locale, branding, figures, unsubscribeUrl);
    }
    const message = await deps.outbox.get(database.db, mail.programId, mail.messageId!);
    if (!message) return null;
    // A redemption's payload names its reward by id: the notice says its name, in the language.
    const payload = message.payload as { redemption?: { rewardId?: string; rewardName?: string } };
    if (payload.redemption?.rewardId && !payload.redemption.rewardName) {
      const name = await rewardNameIn(database.db, mail.programId, payload.redemption.rewardId, locale);
      if (name) payload.redemption = { ...payload.redemption, rewardName: name };
    }
    return renderNotice(
      mail.kind as NoticeKind,
      locale,
      branding,
      message.payload as Record<string, unknown>,
      program.timeZone,
      unsubscribeUrl,
    );
  }

  /** The mail job: renders in the contact's language and sends; a failure throws so the queue retries. */
  async function send(
    data: { mailId: string; programId: string },
    job: { retryCount: number; retryLimit: number },
  ) {
    const { programId, mailId } = data;
    const mail = await findMail(database.db, programId, mailId);
    if (mail?.state !== 'pending') return;
    const contact = await contactById(database.db, programId, mail.contactId);
    // Opted out or moved since the mail was made: nothing is sent.
    if (
      !contact ||
      contact.accountId !== mail.accountId ||
      (await isOptedOut(database.db, programId, contact.id))
    ) {
      await updateMail(database.db, programId, mailId, { state: 'skipped' });
      return;
    }
    const program = await deps.programs.get(programId);
    const locale = mailLocale(contact.locale, program.defaultLocale);
    const attempt = mail.attempts + 1;
    try {
      if (!transport) throw new Error('e-mail is not configured (SMTP_URL is unset)');
      const rendered = await render(mail, locale);
      const unsubscribeUrl = unsubscribeUrlOf(mail);
      if (!rendered) {
        await updateMail(database.db, programId, mailId, { state: 'skipped', attempts: attempt });
        return;
      }
      await transport.sendMail({
        from: { name: brandingOf(program).senderName, address: from },
        to: contact.name ? { name: contact.name, address: contact.email } : contact.email,
        subject: rendered.subject,
        html: rendered.html,
        text: rendered.text,
        // The same mail keeps its Message-ID across attempts.
        messageId: `<${mail.id}@fidelis>`,
        headers: {
          'X-Fidelis-Mail': mail.id,
          'Content-Language': locale,
          // One-click unsubscribe from the mail client (RFC 8058): a POST to the link.
          ...(unsubscribeUrl
            ? {
                'List-Unsubscribe': `<${unsubscribeUrl}>`,
                'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
              }
            : {}),
        },
      });
      await updateMail(database.db, programId, mailId, {
        state: 'sent',
        attempts: attempt,
        toAddress: contact.email,
        subject: rendered.subject,
        locale,
        lastError: null,
        sentAt: new Date(),
      });
    } catch (error) {
      const last = job.retryCount >= job.retryLimit;
      const why = (error as Error).message.slice(0, 500);
      await updateMail(database.db, programId, mailId, {
        attempts: attempt,
        lastError: why,
        state: last ? 'failed' : 'pending',
      });
      throw new Error(`mail attempt ${attempt} failed: ${why}`);
    }
  }

  async function setOptOut(programId: string, contactId: string, optedOut: boolean, actor: Actor) {
    return database.transaction(async (tx) => {
      const contact = await contactById(tx, programId, contactId);
      if (!contact) throw new FidelisError('contact_not_found', `No contact ${contactId}`);
      const changed = optedOut
        ? await insertOptOut(tx, programId, contactId)
        : await deleteOptOut(tx, programId, contactId);
      if (changed)
        await deps.audit.record(tx, programId, {
          actor,
          action: optedOut ? 'notification_opt_out.create' : 'notification_opt_out.delete',
          resourceType: 'contact',
          resourceId: contactId,
          before: { optedOut: !optedOut },
          after: { optedOut },
        });
      return { contactId, optedOut };
    });
  }

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();

  return {
    /** Whether e-mail is configured (SMTP_URL). */
    get enabled(): boolean {
      return transport !== null;
    },

    /** The statement of an ended month or quarter (reward names in `locale`, default: the program's). */
    statement: async (
      programId: string,
      accountRef: string,
      period: string,
      asOf = new Date(),
      locale?: string,
    ) => {
      const program = await deps.programs.get(programId);
      const lang = mailLocale(locale, program.defaultLocale);
      return statement(programId, accountRef, period, asOf, lang);
    },

    /** The statement as the HTML its e-mail carries (nothing sent), in a locale (default: the program's). */
    async statementHtml(programId: string, accountRef: string, period: string, locale?: string) {
      const program = await deps.programs.get(programId);
      const lang = mailLocale(locale, program.defaultLocale);
      const { figures } = await statement(programId, accountRef, period, new Date(), lang);
      return renderStatement(lang, brandingOf(program), figures).html;
    },

    /**
     * The due run as of an instant: announces lots expiring soon, and schedules the statements of the
     * last month or quarter (the program's cadence) that ended (once per program and period). Idempotent.
     */
    async runDue(programId: string, asOf: Date, actor: Actor = JOB) {
      const program = await deps.programs.get(programId);
      const p = notificationPolicy(program);
      const expiringSoon = await announceExpiring(programId, asOf, p.expiringWithinDays);
      const period = previousPeriod(asOf, program.timeZone, p.cadence);
      // Statements are scheduled only where e-mail is configured (the document is always at the API).
      const mailing = p.statements && transport !== null;
      const scheduled = mailing ? await scheduleStatements(programId, period, actor) : 0;
      return {
        expiringSoon,
        period,
        statements: scheduled ?? 0,
        alreadyScheduled: scheduled === null,
        mailing,
      };
    },

    setOptOut,

    /** The page an unsubscribe link opens (nothing changes), and the link's POST (decision 0031). */
    unsubscribePage: (token: string) => unsubscribePage(database, deps, token),
    unsubscribe: (token: string) =>
      unsubscribe(database, deps, token, (programId, contactId, actor) =>
        setOptOut(programId, contactId, true, actor),
      ),

    async optOut(programId: string, contactId: string) {
      const contact = await contactById(database.db, programId, contactId);
      if (!contact) throw new FidelisError('contact_not_found', `No contact ${contactId}`);
      return { contactId, optedOut: await isOptedOut(database.db, programId, contactId) };
    },

    async listMails(
      programId: string,
      query: MailFilters & { limit?: number; cursor?: string },
    ): Promise<Page<MailRow>> {
      return fetchPage(query, (after, limit) =>
        listMails(database.db, programId, query, after ?? null, limit),
      );
    },

    /** A member's portal sign-in mail, sent at once (decision 0029; notifications-sign-in.ts). */
    sendSignIn: (programId: string, contactId: string, link: SignInLink) =>
      transport
        ? sendSignInMail(
            { database, programs: deps.programs, transport, from, brandingOf },
            programId,
            contactId,
            link,
          )
        : Promise.resolve(false),

    dispatch,
    send,

    /** Declares the mail queue and starts this instance's dispatcher (call before `jobs.start()`). */
    async start(): Promise<void> {
      await deps.jobs.define(MAIL_QUEUE, policy, send as never);
      if (timer || !transport) return;
      timer = setInterval(() => {
        running = running.then(() => dispatch().catch(() => {}));
      }, options.dispatchIntervalMs ?? 1_000);
      timer.unref();
    },

    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}

export { JOB as NOTIFICATIONS_ACTOR };
export type NotificationService = ReturnType<typeof createNotificationService>;
