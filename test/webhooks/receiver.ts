// A real HTTP receiver in the test process: records every request and answers as the test says.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { atFileEnd } from '../support/file-end.ts';

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

export interface Receiver {
  url: string;
  host: string;
  received: Received[];
  /** The next `n` requests are answered with `status` (then 200 again). */
  failNext(n: number, status?: number): void;
  /** Requests carrying this webhook-id. */
  of(messageId: string): Received[];
  waitFor(check: () => boolean, ms?: number): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  let failures = 0;
  let failStatus = 503;
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      const status = failures > 0 ? failStatus : 200;
      if (failures > 0) failures -= 1;
      received.push({ headers: request.headers, body, status });
      response.writeHead(status, { 'content-type': 'text/plain' });
      response.end(status === 200 ? 'thanks' : 'try again later');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  atFileEnd(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    host: `127.0.0.1:${port}`,
    received,
    failNext(n, status = 503) {
      failures = n;
      failStatus = status;
    },
    of: (messageId) => received.filter((r) => r.headers['webhook-id'] === messageId),
    async waitFor(check, ms = 30_000) {
      const end = Date.now() + ms;
      while (!check()) {
        if (Date.now() > end) throw new Error('timed out waiting for the receiver');
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}
