import type { FastifyInstance } from 'fastify';
import type { AccountClock } from '../../core/account-clock.js';
import type { MockConfig } from '../../core/config.js';
import { accountOf } from './exchange-hooks.js';

/**
 * Over a shared store, each Klarna operation reads its account's clock offset once, when it arrives (one GET), so
 * that a clock moved on any instance decides its expiries and every read during the request stays local
 * (AccountClock explains the choice). Over the memory store there is nothing to read and no hook.
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
    const refreshed = account === '' ? undefined : clock.refresh(account);
    if (!(refreshed instanceof Promise)) return done();
    refreshed.then(() => done(), done);
  });
}
