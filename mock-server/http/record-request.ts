import type { FastifyRequest } from 'fastify';
import type { KlarnaHttpError } from '../core/error-catalogue.js';
import { type JournalRecord, keptText } from '../core/journal/journal-record.js';

/** The journal's record of an authorize request, from what the route and the error handler left on its exchange. */
export function recordOf(
  request: FastifyRequest,
  answer: { status: number } | { fault: string },
  now: (account: string) => number,
  /** The account the request acted on (exchange-hooks.ts's accountOf: its path's, else its API key's). */
  account: string,
): JournalRecord {
  const exchange = request.exchange;
  const plan = exchange?.plan;
  const thrown: KlarnaHttpError | undefined = exchange?.error;
  // A scenario's error is the answer chosen, not the client's mistake.
  const staged = plan?.action.kind === 'error';
  return {
    seq: exchange?.seq ?? 0,
    id: request.id,
    time: now(account),
    account,
    method: request.method,
    path: request.url,
    headers: request.headers,
    bodyText: keptText(exchange?.bodyText),
    bodyLength: exchange?.bodyText?.length,
    status: 'status' in answer ? answer.status : undefined,
    fault: 'fault' in answer ? answer.fault : undefined,
    result: plan?.result,
    scenario: plan?.scenario?.scenario.name,
    replayed: plan?.action.kind === 'respond' && plan.action.replayed,
    clientError:
      thrown && !staged && thrown.statusCode < 500
        ? { code: thrown.errorCode, message: thrown.message, validationErrors: thrown.validationErrors }
        : undefined,
    unknownFields: plan?.warnings ?? [],
    fingerprint: plan?.fingerprint,
    idempotencyKey: plan?.idempotencyKey,
    valid: plan !== undefined,
    stepUpAmount: plan?.stepUpAmount,
  };
}

/**
 * The journal's record of any other Klarna operation (payment requests, transactions, webhook management): what was
 * sent and the status, with the client error if there was one. Authorize's own checks (recommended data, retries)
 * do not apply, so it counts as not validated (`valid: false`).
 */
export function operationRecordOf(
  request: FastifyRequest,
  answer: { status: number; replayed: boolean },
  now: (account: string) => number,
  account: string,
): JournalRecord {
  const sent: unknown = request.body;
  // A string as received (authorize, payment requests), bytes as received (the proxy), or what a parser made of it.
  const text =
    typeof sent === 'string'
      ? sent
      : Buffer.isBuffer(sent)
        ? sent.length === 0
          ? undefined
          : sent.toString('utf8')
        : sent === undefined || sent === null
          ? undefined
          : JSON.stringify(sent);
  const key = request.headers['klarna-idempotency-key'];
  return {
    // Without an authorize plan, recordOf leaves result, scenario, fingerprint and unknown fields out, valid false.
    ...recordOf(request, { status: answer.status }, now, account),
    bodyText: keptText(text),
    bodyLength: text?.length,
    replayed: answer.replayed,
    idempotencyKey: typeof key === 'string' ? key : undefined,
  };
}
