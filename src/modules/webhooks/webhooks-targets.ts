// Where a webhook may go (SSRF protection, decision 0016): http(s) only (https in production), no
// credentials in the URL, and no private, loopback or link-local address (IP literals, and names as they
// resolve) unless the server's FIDELIS_WEBHOOK_ALLOWED_HOSTS lists the host. Checked when an endpoint is
// written and again before every attempt (a name may resolve elsewhere later).
import { lookup } from 'node:dns/promises';
import { invalid } from '../../core/errors.ts';
import { isBlockedAddress, isIpLiteral } from '../../core/webhooks/addresses.ts';

export function createTargetCheck(options: { allowedHosts?: string[]; production?: boolean }) {
  const allowed = new Set((options.allowedHosts ?? []).map((h) => h.toLowerCase()));
  const isAllowedHost = (url: URL) =>
    allowed.has(url.host.toLowerCase()) || allowed.has(url.hostname.toLowerCase());

  /** Why a URL may not be a target, or undefined. Names are resolved; an unresolvable name passes here (delivery checks again). */
  async function refusal(url: URL): Promise<string | undefined> {
    if (isAllowedHost(url)) return undefined;
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (isIpLiteral(host))
      return isBlockedAddress(host) ? 'targets a private, loopback or link-local address' : undefined;
    if (host === 'localhost' || host.endsWith('.localhost')) return 'targets a loopback address';
    try {
      const addresses = await lookup(host, { all: true });
      if (addresses.some((a) => isBlockedAddress(a.address)))
        return 'resolves to a private, loopback or link-local address';
    } catch {
      return undefined;
    }
    return undefined;
  }

  async function checkUrl(text: string, field = '/url'): Promise<string> {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw invalid('The endpoint URL is not a URL', { [field]: 'must be an absolute http or https URL' });
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw invalid('The endpoint URL must use https', { [field]: 'must be an http or https URL' });
    if (options.production && url.protocol !== 'https:')
      throw invalid('The endpoint URL must use https', { [field]: 'must use https in production' });
    if (url.username || url.password)
      throw invalid('The endpoint URL may not carry credentials', {
        [field]: 'may not contain a user or password',
      });
    const why = await refusal(url);
    if (why) throw invalid(`The endpoint URL ${why}`, { [field]: why });
    return url.toString();
  }

  return { refusal, checkUrl };
}

export type TargetCheck = ReturnType<typeof createTargetCheck>;
