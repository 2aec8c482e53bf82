import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { AccountClock } from '../../core/account-clock.js';
import type { MockConfig } from '../../core/config.js';
import type { AnswerIds } from '../../core/store/answer-store.js';
import { accountOf } from './exchange-hooks.js';

/**
 * Over a shared store, each Klarna operation reads its account's clock offset once, when it arrives (one GET), so
 * that a clock moved on any instance decides its expiries and every read during the request stays local
 * (AccountClock explains the choice). An authorize request with an idempotency key or a session token also claims
 * them in that read (one round trip instead of two; the request adopts the claim, or its lease is released when it
 * is answered: exchange-hooks.ts). Over the memory store there is nothing to read and no hook.
 */
export function sharedClock(
  app: FastifyInstance,
  clock: AccountClock,
  config: Pick<MockConfig, 'apiKeys' | 'defaultAccount'>,
) {
  if (!clock.isShared) return;
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.routeOptions.url?.startsWith('/v2/') !== true) return done();
    const account = accountOf(request, config);
    if (account === '') return done();
    const exchange = request.exchange;
    const ids = exchange?.operation === 'authorize' ? arrivingIds(request.headers) : undefined;
    if (exchange === null || ids === undefined) {
      const refreshed = clock.refresh(account);
      if (!(refreshed instanceof Promise)) return done();
      refreshed.then(() => done(), done);
      return;
    }
    const arrived = clock.arrive(account, ids);
    if (!(arrived instanceof Promise)) {
      exchange.arrival = arrived;
      return done();
    }
    arrived.then((arrival) => {
      exchange.arrival = arrival;
      done();
    }, done);
  });
}

/** The ids an authorize request will claim (checked-request.ts reads the same headers), if it sent any. */
function arrivingIds(headers: IncomingHttpHeaders): AnswerIds | undefined {
  const key = headers['klarna-idempotency-key'];
  const token = headers['klarna-network-session-token'] ?? headers['klarna-payment-token'];
  const ids = { key: typeof key === 'string' ? key : undefined, token: typeof token === 'string' ? token : undefined };
  return ids.key === undefined && ids.token === undefined ? undefined : ids;
}
