import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AccountClock } from '../account-clock.js';
import type { MockConfig } from '../config.js';
import { fingerprint, replayDecision } from '../idempotency.js';
import type { Store } from '../store.js';
import type { NotificationRequest } from './check-notification-request.js';
import { sendJson } from './send-json.js';

// https://docs.klarna.com/klarna-network-distribution/setup-your-integration/integration-resilience/idempotency

export interface Answer {
  status: number;
  /** Serialized and contract-checked. */
  body: string;
}

export interface AnswerOnceDeps {
  config: Pick<MockConfig, 'idempotencyWindowMs'>;
  store: Store;
  clock: AccountClock;
}

/**
 * Answers a POST or PATCH once per Klarna-Idempotency-Key, with the store and the decision authorize uses: the same
 * request again replays the first 2xx answer byte for byte (`Idempotent-Replayed: true`); another request under the
 * key (another body, operation or path) is a 409. Errors are thrown, so they are not stored and a retry runs afresh.
 * Nothing awaits between the decision and the record: two requests with one key cannot both run.
 */
export function answerOnce(
  request: FastifyRequest,
  reply: FastifyReply,
  input: NotificationRequest,
  deps: AnswerOnceDeps,
  run: () => Answer,
): FastifyReply {
  const { account, key } = input;
  const now = deps.clock.now(account);
  const print =
    key === undefined
      ? undefined
      : fingerprint({
          method: request.method,
          account,
          path: `${request.routeOptions.url} ${JSON.stringify(request.params)}`,
          body: request.body,
          inSchemaOrder: undefined,
        });
  const decision = replayDecision({
    key,
    keyRecord: deps.store.keyRecord(account, key),
    tokenRecord: undefined,
    fingerprint: print,
    tokens: undefined,
    amount: undefined,
    currency: '',
    now,
    windowMs: deps.config.idempotencyWindowMs,
  });
  if (decision.kind === 'reject') throw decision.error;
  if (decision.kind === 'replay') {
    reply.header('Idempotent-Replayed', 'true');
    return sendJson(reply, decision.stored.status, decision.stored.body);
  }
  const answer = run();
  if (key !== undefined) {
    deps.store.record(
      account,
      { key },
      {
        ...answer,
        result: request.routeOptions.schema?.operationId ?? request.method,
        fingerprint: print,
        createdAt: now,
        amount: undefined,
        currency: '',
        finalAuthorization: false,
      },
    );
  }
  return sendJson(reply, answer.status, answer.body);
}
