import type { FastifyInstance } from 'fastify';
import { catalogue } from '../../core/error-catalogue.js';
import { adminTokenHook } from '../admin-token.js';
import { oversizedHeader } from '../header-limits.js';

/**
 * Every answer carries Klarna-Correlation-Id (and the partner's, echoed); while closing, requests get Klarna's 503;
 * a header over Klarna's limits gets its 431; with an admin token, /__mock routes need it.
 */
export function klarnaHeaders(app: FastifyInstance, closing: AbortSignal, adminToken: string | undefined) {
  // Hooks on the hot path take callbacks, not async functions: no promise per request.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('Klarna-Correlation-Id', request.id);
    const partnerId = request.headers['partner-correlation-id'];
    if (typeof partnerId === 'string' && partnerId.length <= 255) reply.header('Partner-Correlation-Id', partnerId);
    if (closing.aborted) return done(catalogue.unavailable());
    const oversized = oversizedHeader(request.headers, request.raw.rawHeaders);
    done(oversized === undefined ? undefined : catalogue.headersTooLarge(oversized));
  });
  if (adminToken !== undefined) app.addHook('onRequest', adminTokenHook(adminToken));
}
