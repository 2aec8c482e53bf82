import type { FastifyInstance } from 'fastify';
import type { Services } from './services.js';

/**
 * Real time moves every account's clock too: payment requests and transactions expire and webhooks are retried as
 * it passes, once a second. On close the timer stops and webhooks in flight finish.
 */
export function sweepTimer(
  app: FastifyInstance,
  services: Pick<Services, 'paymentRequests' | 'transactions' | 'webhooks'>,
) {
  const { paymentRequests, transactions, webhooks } = services;
  const tick = setInterval(() => {
    // A shared store may fail (Redis away): it reports that once per outage itself, and the next tick tries again.
    for (const swept of [paymentRequests.sweep(), transactions.sweep()]) {
      if (swept instanceof Promise) swept.catch(() => undefined);
    }
    void webhooks.pump();
  }, 1000);
  tick.unref();
  app.addHook('onClose', async () => {
    clearInterval(tick);
    await webhooks.close();
  });
}
