// Signing in to the member portal by e-mail (decision 0029): a member types their address on the
// portal's page; if it is a contact of that portal's program, Fidelis mails a one-time link. The answer
// is the same whether or not the address is a member's: it is given before anything is looked up, and
// the lookup, the link and the mail happen afterwards, off the request. Requests are limited per
// address and per client address (per server instance, in memory, like console sign-in failures).
import type { Actor } from '../../core/access.ts';
import { FidelisError } from '../../core/errors.ts';
import type { ContactService } from '../contacts/contacts-service.ts';
import type { NotificationService } from '../notifications/notifications-service.ts';
import { signInByMail } from './portal-settings.ts';

/** How long a mailed link may be opened: longer than the operator's (mail takes a while), still short. */
export const MAILED_LINK_MINUTES = 15;

export interface SignInLimits {
  /** Requests per address within the window. */
  perAddress: number;
  /** Requests per client address within the window. */
  perClient: number;
  windowMs: number;
}

export const SIGN_IN_LIMITS: SignInLimits = { perAddress: 3, perClient: 20, windowMs: 15 * 60_000 };

/** A sliding window of request times per key, bounded in memory. */
export function slidingLimiter(max: number, windowMs: number) {
  const seen = new Map<string, number[]>();
  return {
    /** Counts a request for `key` at `now`; answers the seconds to wait when it is over the limit. */
    take(key: string, now: number): number | null {
      const recent = (seen.get(key) ?? []).filter((t) => now - t < windowMs);
      if (recent.length >= max) {
        seen.set(key, recent);
        return Math.max(1, Math.ceil((recent[0]! + windowMs - now) / 1000));
      }
      // Bounded memory: a flood of keys starts the counts afresh rather than growing the map.
      if (seen.size >= 100_000) seen.clear();
      recent.push(now);
      seen.set(key, recent);
      return null;
    },
  };
}

/** The limits of mailed sign-ins: per program and address, and per client address. */
export function signInLimiter(limits: SignInLimits = SIGN_IN_LIMITS) {
  const byAddress = slidingLimiter(limits.perAddress, limits.windowMs);
  const byClient = slidingLimiter(limits.perClient, limits.windowMs);
  return {
    /** Refuses with `portal_sign_in_rate_limited` (and when to retry) past either limit. */
    check(programId: string, address: string, client: string, now = Date.now()): void {
      const wait = byClient.take(client, now) ?? byAddress.take(`${programId}:${address}`, now);
      if (wait !== null)
        throw new FidelisError(
          'portal_sign_in_rate_limited',
          `Too many sign-in links asked for; try again in ${wait} seconds`,
          { retryAfter: wait },
        );
    },
  };
}

/** An e-mail address as contacts are found by it. */
export const normalAddress = (email: string) => email.trim().toLowerCase();

export interface SignInOptions {
  /**
   * The address members reach the server at (FIDELIS_PUBLIC_URL), for links sent by e-mail: never
   * the request's Host header, which whoever asks for a link could set to their own site.
   */
  publicUrl?: string;
  signInLimits?: SignInLimits;
  /** What happens to a mailed sign-in that failed after the answer was given (logged by the server). */
  onMailError?: (error: unknown) => void;
}

interface SignInDeps {
  contacts: ContactService;
  notifications: NotificationService;
  /** The program whose portal is served at a slug (portal_not_found otherwise). */
  programOfSlug(slug: string): Promise<{ id: string; settings: Record<string, unknown> }>;
  /** Mints a portal link for a contact (the portal service's, audited). */
  mint(
    programId: string,
    contactRef: string,
    actor: Actor,
    now: Date,
    origin: string,
    minutes: number,
  ): Promise<{ id: string; url: string }>;
}

export function createMailSignIn(deps: SignInDeps, options: SignInOptions = {}) {
  const limiter = signInLimiter(options.signInLimits);
  const publicUrl = (options.publicUrl ?? '').replace(/\/+$/, '');
  /** Mailed sign-ins still running (tests and shutdown wait for them). */
  const mailing = new Set<Promise<void>>();

  /** After the answer: an active contact with this address gets a link by e-mail; anyone else, nothing. */
  async function mailLink(programId: string, address: string, now: Date): Promise<void> {
    const [contact] = (await deps.contacts.list(programId, { email: address, active: true, limit: 1 })).data;
    if (!contact) return;
    const actor: Actor = { kind: 'contact', contactId: contact.id };
    const link = await deps.mint(programId, contact.id, actor, now, publicUrl, MAILED_LINK_MINUTES);
    await deps.notifications.sendSignIn(programId, contact.id, {
      id: link.id,
      url: link.url,
      minutes: MAILED_LINK_MINUTES,
    });
  }

  return {
    /**
     * A member asks for a sign-in link by e-mail on the portal at `slug`. Limited per address and per
     * client; then answered at once, the same for every address: whether it is a contact of the
     * program is found out afterwards, off the request, and only a contact gets a mail.
     */
    async requestMailLink(slug: string, email: string, client: string, now = new Date()): Promise<void> {
      const program = await deps.programOfSlug(slug);
      if (!deps.notifications.enabled || !signInByMail(program))
        throw new FidelisError(
          'portal_mail_sign_in_off',
          `The portal at /portal/${slug} does not sign in by e-mail`,
        );
      const address = normalAddress(email);
      limiter.check(program.id, address, client, now.getTime());
      const sending = mailLink(program.id, address, now)
        .catch((error) => options.onMailError?.(error))
        .finally(() => mailing.delete(sending));
      mailing.add(sending);
    },

    /** Waits for the mailed sign-ins under way (tests, shutdown). */
    async settled(): Promise<void> {
      while (mailing.size > 0) await Promise.all([...mailing]);
    },
  };
}
