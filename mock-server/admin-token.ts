import { createHash, timingSafeEqual } from 'node:crypto';
import type { onRequestHookHandler } from 'fastify';
import { catalogue } from './error-catalogue.js';

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

/** Every /__mock route (matched by its route pattern, so no spelling of the URL slips past) needs the token. */
export function adminTokenHook(token: string): onRequestHookHandler {
  return (request, _reply, done) => {
    const route = request.routeOptions.url;
    if (route === undefined || !route.startsWith('/__mock/')) return done();
    done(adminTokenMatches(request.headers.authorization, token) ? undefined : catalogue.adminUnauthorized());
  };
}
