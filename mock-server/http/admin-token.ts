import { createHash, timingSafeEqual } from 'node:crypto';
import type { onRequestHookHandler } from 'fastify';
import { catalogue } from '../core/error-catalogue.js';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * `Authorization: Bearer <token>`, compared in constant time: both sides are hashed first, so neither the content
 * nor the length of the token leaks through timing.
 */
export function adminTokenMatches(header: string | undefined, token: string): boolean {
  const match = /^bearer (\S+)$/i.exec(header ?? '');
  const presented = match?.[1] ?? '';
  return timingSafeEqual(digest(presented), digest(token)) && presented !== '';
}

/**
 * The request inspector's page is opened by a browser, which sends no header on navigation: there, and only there,
 * the token may come as `?token=` (redacted in logs, as every `token` parameter is). Its script then sends the
 * header.
 */
const TOKEN_IN_QUERY = '/__mock/ui';

/** Every /__mock route (matched by its route pattern, so no spelling of the URL slips past) needs the token. */
export function adminTokenHook(token: string): onRequestHookHandler {
  return (request, _reply, done) => {
    const route = request.routeOptions.url;
    if (route === undefined || !route.startsWith('/__mock/')) return done();
    let header = request.headers.authorization;
    if (header === undefined && route === TOKEN_IN_QUERY) {
      const inQuery = (request.query as { token?: unknown } | undefined)?.token;
      if (typeof inQuery === 'string') header = `Bearer ${inQuery}`;
    }
    done(adminTokenMatches(header, token) ? undefined : catalogue.adminUnauthorized());
  };
}
