import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { accountOfKey } from '../../core/authenticate.js';
import type { Awaitable } from '../../core/awaitable.js';
import type { MockConfig } from '../../core/config.js';
import type { JournalStore } from '../../core/journal/journal-store.js';
import { exchangeOf, newExchange } from '../exchange.js';
import { logLine } from '../logging.js';
import { operationRecordOf, recordOf } from '../record-request.js';

export interface ExchangeDeps {
  journal: JournalStore;
  /** An account's clock, for the record's time. */
  now: (account: string) => number;
  config: Pick<MockConfig, 'apiKeys' | 'defaultAccount'>;
}

/**
 * Every Klarna operation gets its exchange when it arrives (first of all hooks, so that even a request refused by a
 * later hook keeps its place in the order of arrival), and one onResponse hands it to the journal and writes the log
 * line of every request. A shared journal (Redis) gets the record in onSend instead, and the answer goes once Redis
 * has it: a client that got its answer finds its request in the journal on every instance.
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
  if (!deps.journal.recordsBeforeAnswer) return;
  app.addHook('onSend', (request, reply, payload, done) => {
    const exchange = request.exchange;
    if (exchange === null || exchange.journaled || exchange.plan?.action.kind === 'fault') {
      done(null, payload);
      return;
    }
    const written = journalExchange(request, reply.statusCode, deps, reply);
    // Never rejects: a record the journal could not keep is its warning, not the request's failure.
    if (written instanceof Promise) written.then(() => done(null, payload));
    else done(null, payload);
  });
}

/** The journal's record and the log line of one answered request: its status, or the fault that replaced it. */
export function settleExchange(
  request: FastifyRequest,
  answer: number | string,
  deps: ExchangeDeps,
  reply?: FastifyReply,
) {
  if (request.exchange !== null && !request.exchange.journaled) journalExchange(request, answer, deps, reply);
  logLine(request, answer, reply);
}

/** Hands the exchange's record to the journal, once; a shared journal's promise never rejects. */
function journalExchange(
  request: FastifyRequest,
  answer: number | string,
  deps: ExchangeDeps,
  reply: FastifyReply | undefined,
): Awaitable<void> {
  const exchange = exchangeOf(request);
  exchange.journaled = true;
  const account = accountOf(request, deps.config);
  return deps.journal.record(
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

/** The account a Klarna operation acted on: its path's, else its API key's (Direct, webhook management), else none. */
export function accountOf(request: FastifyRequest, config: ExchangeDeps['config']): string {
  const inPath = (request.params as { partner_account_id?: unknown } | undefined)?.partner_account_id;
  if (typeof inPath === 'string') return inPath;
  const ofKey = accountOfKey(request.headers.authorization, config);
  return typeof ofKey === 'string' ? ofKey : '';
}
