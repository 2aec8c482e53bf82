import type { FastifyReply } from 'fastify';
import type { AccountClock } from '../../core/account-clock.js';
import { type Awaitable, andThen, onFailure } from '../../core/awaitable.js';
import type { MockConfig } from '../../core/config.js';
import { catalogue } from '../../core/error-catalogue.js';
import {
  fingerprint,
  type ReplayDecision,
  replayDecision,
  type StoredResponse,
  type TokenHashes,
} from '../../core/idempotency.js';
import { type AnswerStore, LEASE_MS, type Lease, MAX_CLAIMS } from '../../core/store/answer-store.js';
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
  answerStore: AnswerStore;
  clock: AccountClock;
}

/**
 * Answers a write once per Klarna-Idempotency-Key (docs/simulator-choices.md#idempotency), with the store and the
 * decision authorize uses: the same request again replays the first 2xx answer byte for byte
 * (`Idempotent-Replayed: true`); another request under the key (another body, operation or path) is a 409. Errors
 * are thrown, so they are not stored and a retry runs afresh. The request claims its key before it runs and commits
 * its answer after: two requests with one key cannot both run (the second waits for the first one's answer). With
 * the memory store it all runs synchronously, as before.
 */
export function answerOnce(
  reply: FastifyReply,
  op: Operation,
  deps: AnswerOnceDeps,
  run: () => Awaitable<Answer>,
): Awaitable<FastifyReply> {
  const { account, key } = op;
  if (key === undefined) return andThen(run(), (answer) => sendJson(reply, answer.status, answer.body));
  const request = {
    op,
    key,
    now: deps.clock.now(account),
    print: fingerprint({ method: op.method, account, path: op.path, body: op.body, tokens: op.tokens }),
  };
  const peeked = deps.answerStore.peek?.(account, key);
  if (peeked !== undefined) {
    const decision = decide(request, peeked, deps);
    if (decision.kind !== 'process') return replayed(reply, decision);
  }
  return claimed(reply, request, deps, run);
}

interface KeyedRequest {
  op: Operation;
  key: string;
  now: number;
  print: string;
}

function decide(request: KeyedRequest, keyRecord: StoredResponse | undefined, deps: AnswerOnceDeps) {
  return replayDecision({
    key: request.key,
    keyRecord,
    tokenRecord: undefined,
    fingerprint: request.print,
    tokens: request.op.tokens,
    amount: undefined,
    currency: '',
    now: request.now,
    windowMs: deps.config.idempotencyWindowMs,
  });
}

/** Sends a replay, or throws the conflict. */
function replayed(reply: FastifyReply, decision: Exclude<ReplayDecision, { kind: 'process' }>): FastifyReply {
  if (decision.kind === 'reject') throw decision.error;
  reply.header('Idempotent-Replayed', 'true');
  return sendJson(reply, decision.stored.status, decision.stored.body);
}

/** Claims the key, then replays what is stored, or runs the operation under the lease and commits its answer. */
function claimed(
  reply: FastifyReply,
  request: KeyedRequest,
  deps: AnswerOnceDeps,
  run: () => Awaitable<Answer>,
  force = false,
  claims = 0,
): Awaitable<FastifyReply> {
  if (claims >= MAX_CLAIMS) throw catalogue.unavailable();
  const { op, key } = request;
  const store = deps.answerStore;
  const ids = { key };
  const again = (forced: boolean) => claimed(reply, request, deps, run, forced, claims + 1);
  return andThen(store.claim(op.account, ids, { leaseMs: LEASE_MS, force }), (claim) => {
    if (claim.kind === 'held') return andThen(store.awaitAnswer(op.account, ids, claim.retryInMs), () => again(false));
    const lease = claim.kind === 'claimed' ? claim.lease : undefined;
    const decision = decide(request, claim.answers.key, deps);
    if (decision.kind !== 'process') {
      return andThen(lease === undefined ? undefined : store.release(lease), () => replayed(reply, decision));
    }
    // What is stored is past its window: claim over it.
    if (lease === undefined) return again(true);
    return andThen(ranUnder(lease, store, run), (answer) => committed(reply, request, store, lease, answer));
  });
}

/** Stores the answer under the key (fenced by the lease) and sends it. */
function committed(
  reply: FastifyReply,
  request: KeyedRequest,
  store: AnswerStore,
  lease: Lease,
  answer: Answer,
): Awaitable<FastifyReply> {
  const { op } = request;
  const stored = {
    status: answer.status,
    body: answer.body,
    result: answer.result ?? op.method,
    fingerprint: request.print,
    tokens: op.tokens,
    createdAt: request.now,
    amount: undefined,
    currency: '',
    finalAuthorization: false,
  };
  return andThen(store.commit(lease, { keyAnswer: stored }), (result) => {
    if (result === 'lease-lost') throw catalogue.unavailable();
    return sendJson(reply, answer.status, answer.body);
  });
}

/** Runs the operation; an error lets go of the lease (a failed release leaves it to expire) and is thrown on. */
function ranUnder(lease: Lease, store: AnswerStore, run: () => Awaitable<Answer>): Awaitable<Answer> {
  return onFailure(run, () => {
    const released = store.release(lease);
    if (released instanceof Promise) released.catch(() => undefined);
  });
}
