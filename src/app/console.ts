// The operator console (web/, built by Vite into web/dist) served at /console: its hashed assets
// cached for good, and index.html for every other console path (the app's own routes).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

export const WEB_DIST = join(import.meta.dirname, '../../web/dist');
/** The member portal's build (web/portal.html and web/src/portal, decision 0019). */
export const PORTAL_DIST = join(import.meta.dirname, '../../web/dist-portal');

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Fidelis console</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto">
<h1>The console is not built</h1>
<p>Run <code>npm run web:build</code> (or restart with <code>npm start</code>, which builds it).</p>
</body></html>
`;

const HTML_HEADERS = {
  'cache-control': 'no-cache',
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'content-security-policy':
    "default-src 'self'; img-src 'self' data: https:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
};

export async function serveConsole(app: FastifyInstance, dist = WEB_DIST): Promise<void> {
  const built = existsSync(join(dist, 'index.html'));
  const index = (reply: FastifyReply) => {
    reply.headers(HTML_HEADERS);
    return built
      ? reply.sendFile('index.html', dist)
      : reply.code(503).type('text/html; charset=utf-8').send(NOT_BUILT);
  };
  if (built) {
    await app.register(fastifyStatic, {
      root: join(dist, 'assets'),
      prefix: '/console/assets/',
      immutable: true,
      maxAge: '365d',
      index: false,
    });
  }
  app.get('/console', { schema: { hide: true } }, (_request, reply) => index(reply));
  app.get('/console/*', { schema: { hide: true } }, (request, reply) => {
    // A missing asset is a 404, never the app's page.
    if (request.url.startsWith('/console/assets/')) return reply.callNotFound();
    return index(reply);
  });
}

const PORTAL_NOT_BUILT = NOT_BUILT.replace('Fidelis console', 'Member portal').replace(
  'The console is',
  'The member portal is',
);

/**
 * The member portal at /portal/{slug} (and every path under it: the app's own pages), its hashed
 * assets at /portal/assets/. /portal/api is the portal's API, never the page.
 */
export async function servePortal(app: FastifyInstance, dist = PORTAL_DIST): Promise<void> {
  const built = existsSync(join(dist, 'portal.html'));
  // Read once: a small page, and the static plugin's sendFile belongs to the console's registration.
  const html = built ? readFileSync(join(dist, 'portal.html'), 'utf8') : PORTAL_NOT_BUILT;
  const page = (reply: FastifyReply) =>
    reply
      .headers(HTML_HEADERS)
      .code(built ? 200 : 503)
      .type('text/html; charset=utf-8')
      .send(html);
  if (built) {
    await app.register(fastifyStatic, {
      root: join(dist, 'assets'),
      prefix: '/portal/assets/',
      immutable: true,
      maxAge: '365d',
      index: false,
      decorateReply: false,
    });
  }
  const reserved = (slug: string) => slug === 'api' || slug === 'assets';
  app.get<{ Params: { slug: string } }>('/portal/:slug', { schema: { hide: true } }, (request, reply) =>
    reserved(request.params.slug) ? reply.callNotFound() : page(reply),
  );
  app.get<{ Params: { slug: string } }>('/portal/:slug/*', { schema: { hide: true } }, (request, reply) =>
    reserved(request.params.slug) ? reply.callNotFound() : page(reply),
  );
}
