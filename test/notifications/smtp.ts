// A real SMTP server in the test process (smtp-server): records every mail it receives, parsed
// (mailparser), so tests assert what a contact's mailbox would hold.
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { atFileEnd } from '../support/file-end.ts';

export interface Mailbox {
  url: string;
  received: ParsedMail[];
  /** Mails to this address. */
  to(address: string): ParsedMail[];
  /** The next `n` mails are refused with a temporary failure (451). */
  failNext(n: number): void;
  waitFor(check: () => boolean, ms?: number): Promise<void>;
}

export const recipients = (mail: ParsedMail): string[] =>
  (Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : []).flatMap((a) =>
    a.value.map((v) => v.address ?? ''),
  );

export async function startMailbox(): Promise<Mailbox> {
  const received: ParsedMail[] = [];
  let failures = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      if (failures > 0) {
        failures -= 1;
        stream.resume();
        stream.on('end', () => {
          const error = new Error('try again later') as Error & { responseCode: number };
          error.responseCode = 451;
          callback(error);
        });
        return;
      }
      simpleParser(stream)
        .then((mail) => {
          received.push(mail);
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  atFileEnd(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    to: (address) => received.filter((m) => recipients(m).includes(address)),
    failNext: (n) => {
      failures = n;
    },
    async waitFor(check, ms = 20_000) {
      const end = Date.now() + ms;
      while (!check()) {
        if (Date.now() > end) throw new Error('timed out waiting for mail');
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}
