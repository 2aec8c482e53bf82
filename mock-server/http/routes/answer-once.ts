import type { FastifyReply } from 'fastify';
import type { AccountClock } from '../../core/account-clock.js';
import type { MockConfig } from '../../core/config.js';
import { fingerprint, replayDecision, type TokenHashes } from '../../core/idempotency.js';
import type { Store } from '../../core/store/store.js';
import { sendJson } from '../send-json.js';

// https://docs.klarna.com/klarna-network-distribution/setup-your-integration/integration-resilience/idempotency

export interface Answer {
  status: number;
  /** Serialized and contract-checked. */
  body: string;
  /** What the journal and a replay say of it (a state, an operation). */
  result?: string;
}

/** One write operation as its Klarna-Idempotency-Key sees it. */
export interface Operation {
  account: string;
  key: string | undefined;
  method: string;
  /** The operation and its parameters: one key sent to two operations is two requests, a conflict. */
  path: string;
  body: unknown;
  /** Token headers sent along, which change what the request means. */
  tokens?: TokenHashes | undefined;
}

export interface AnswerOnceDeps {
  config: Pick<MockConfig, 'idempotencyWindowMs'>;
  store: Store;
  clock: AccountClock;
}

/**
 * Answers a write once per Klarna-Idempotency-Key (docs/simulator-choices.md#idempotency), with the store and the
 * decision authorize uses: the same request again replays the first 2xx answer byte for byte
 * (`Idempotent-Replayed: true`); another request under the key (another body, operation or path) is a 409. Errors
 * are thrown, so they are not stored and a retry runs afresh. Nothing awaits between the decision and the record:
 * two requests with one key cannot both run.
 */
export function answerOnce(reply: FastifyReply, op: Operation, deps: AnswerOnceDeps, run: () => Answer): FastifyReply {
  const { account, key } = op;
  const now = deps.clock.now(account);
  const print =
    key === undefined
      ? undefined
      : fingerprint({
          method: op.method,
          account,
          path: op.path,
          body: op.body,
          tokens: op.tokens,
        });
  const decision = replayDecision({
    key,
    keyRecord: deps.store.keyRecord(account, key),
    tokenRecord: undefined,
    fingerprint: print,
    tokens: op.tokens,
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
        status: answer.status,
        body: answer.body,
        result: answer.result ?? op.method,
        fingerprint: print,
        tokens: op.tokens,
        createdAt: now,
        amount: undefined,
        currency: '',
        finalAuthorization: false,
      },
    );
  }
  return sendJson(reply, answer.status, answer.body);
}
