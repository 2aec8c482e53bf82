import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { accountOfKey } from '../../core/authenticate.js';
import type { MockConfig } from '../../core/config.js';
import type { Journal } from '../../core/journal/journal.js';
import { newExchange } from '../exchange.js';
import { logLine } from '../logging.js';
import { operationRecordOf, recordOf } from '../record-request.js';

export interface ExchangeDeps {
  journal: Journal;
  /** An account's clock, for the record's time. */
  now: (account: string) => number;
  config: Pick<MockConfig, 'apiKeys' | 'defaultAccount'>;
}

/**
 * Every Klarna operation gets its exchange when it arrives (first of all hooks, so that even a request refused by a
 * later hook keeps its place in the order of arrival), and one onResponse hands it to the journal and writes the log
 * line of every request.
 */
export function exchangeHooks(app: FastifyInstance, deps: ExchangeDeps) {
  app.decorateRequest('exchange', null);
  // Hooks on the hot path take callbacks, not async functions: no promise per request.
  app.addHook('onRequest', (request, _reply, done) => {
    const url = request.routeOptions.url;
    if (url?.startsWith('/v2/') === true) {
      request.exchange = newExchange(
        deps.journal.arrival(),
        url.endsWith('/payment/authorize') ? 'authorize' : 'other',
      );
    }
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    // A fault was settled where it was carried out.
    if (request.exchange?.plan?.action.kind !== 'fault') settleExchange(request, reply.statusCode, deps, reply);
    done();
  });
}

/** The journal's record and the log line of one answered request: its status, or the fault that replaced it. */
export function settleExchange(
  request: FastifyRequest,
  answer: number | string,
  deps: ExchangeDeps,
  reply?: FastifyReply,
) {
  const exchange = request.exchange;
  if (exchange !== null) {
    const account = accountOf(request, deps.config);
    deps.journal.record(
      exchange.operation === 'authorize'
        ? recordOf(request, typeof answer === 'number' ? { status: answer } : { fault: answer }, deps.now, account)
        : operationRecordOf(
            request,
            { status: Number(answer), replayed: reply?.getHeader('idempotent-replayed') === 'true' },
            deps.now,
            account,
          ),
    );
  }
  logLine(request, answer, reply);
}

/** The account a Klarna operation acted on: its path's, else its API key's (Direct, webhook management), else none. */
export function accountOf(request: FastifyRequest, config: ExchangeDeps['config']): string {
  const inPath = (request.params as { partner_account_id?: unknown } | undefined)?.partner_account_id;
  if (typeof inPath === 'string') return inPath;
  const ofKey = accountOfKey(request.headers.authorization, config);
  return typeof ofKey === 'string' ? ofKey : '';
}
