import { stringify } from 'safe-stable-stringify';
import type { CertifyEffect } from '../contracts/index.js';

// The judging rules: pure functions of one case's authorize attempts, as the journal recorded them.
// https://docs.klarna.com/api/ (Klarna-Idempotency-Key: a retry with the same key and body is safe; 429 carries
// Retry-After; 4xx other than 409 and 429 are the client's mistake and fail again unchanged). The webhook rules
// judge what the client's receiver reported applying (certify's report URL) against the deliveries the simulator made;
// the token rule, the journal's answers naming an expired Klarna-Network-Session-Token.

export const RULE_NAMES = [
  'same-key-on-retry',
  'one-transaction',
  'retry-after-honoured',
  'no-retry-on-4xx',
  'backoff',
  'eventually-succeeds',
  'webhook-processed-once',
  'webhook-newest-state-kept',
  'expired-token-not-reused',
] as const;
export type RuleName = (typeof RULE_NAMES)[number];

/** One authorize request of the client, from its journal entry. */
export interface Attempt {
  /** Arrival, ms since the epoch on the account clock: the journal's time (the answer) less duration_ms. */
  at: number;
  /**
   * When the answer went, or the fault began (a hang is noted as it starts): the journal's time. Defaults to `at`.
   * Backoff counts from here; Retry-After from the arrival, which a client waiting from the answer always clears.
   */
  answeredAt?: number;
  key: string | undefined;
  /** The body as canonical JSON, so key order does not count as a change. */
  body: string;
  status: number | undefined;
  fault: string | undefined;
  result: string | undefined;
  replayed: boolean;
  /** A session token came along (the journal redacts its value: certify hands out one token per case). */
  sessionToken?: boolean;
  /** The answer refused the session token as expired. */
  tokenExpired?: boolean;
}

/** What happened to a case's webhooks: the deliveries the simulator made, the effects the client reported. */
export interface WebhookFacts {
  /** The URL the client announced, if it did. */
  receiver: string | undefined;
  /** Deliveries made (a duplicate counts twice), and of how many events. */
  deliveries: number;
  events: number;
  /** What the client's receiver reported applying, in the order it reported. */
  effects: CertifyEffect[];
  /** The state the newest event carried (by occurred_at), which the receiver must end on. */
  newestState: string | undefined;
}

export interface RuleVerdict {
  rule: RuleName;
  passed: boolean;
  why: string;
}

export interface JudgeOptions {
  /** Retry-After of the case's 429 (seconds). */
  retryAfterSeconds?: number;
  /** The least gap between a failed attempt and the next one, for backoff. Default 100 ms. */
  minGapMs?: number;
  /** For the webhook rules. */
  webhooks?: WebhookFacts;
}

export const DEFAULT_MIN_GAP_MS = 100;

/** A journal entry as the rules need it (the shape of contracts' JournalEntry). */
export function attemptOf(entry: {
  time: string;
  duration_ms?: number;
  headers: Record<string, unknown>;
  body: unknown;
  status?: number;
  fault?: string;
  result?: string;
  replayed: boolean;
  findings?: { code: string; parameter?: string; message: string }[];
}): Attempt {
  const key = entry.headers['klarna-idempotency-key'];
  const token = entry.headers['klarna-network-session-token'] ?? entry.headers['klarna-payment-token'];
  return {
    // The journal's time is when the answer went: the arrival is that less the exchange's duration. Gaps between
    // arrivals cannot be shortened by the simulator being slow to note an answer.
    at: Math.round(Date.parse(entry.time) - (entry.duration_ms ?? 0)),
    answeredAt: Date.parse(entry.time),
    key: typeof key === 'string' && key !== '' ? key : undefined,
    body: stringify(entry.body) ?? 'null',
    status: entry.status,
    fault: entry.fault,
    result: entry.result,
    replayed: entry.replayed,
    sessionToken: token !== undefined,
    tokenExpired: (entry.findings ?? []).some(
      (f) => f.code === 'VALIDATION_ERROR' && f.parameter === 'Klarna-Network-Session-Token' && f.message === 'expired',
    ),
  };
}

const pass = (rule: RuleName, why: string): RuleVerdict => ({ rule, passed: true, why });
const fail = (rule: RuleName, why: string): RuleVerdict => ({ rule, passed: false, why });
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const outcome = (a: Attempt) => (a.fault !== undefined ? a.fault.replace(/_/g, ' ') : String(a.status));
/** An attempt the client had reason to retry: a network fault, 5xx or 429 (409 too: another request in flight). */
const retryable = (a: Attempt) =>
  a.fault !== undefined || (a.status ?? 0) >= 500 || a.status === 429 || a.status === 409;
const APPROVALS = new Set(['APPROVED', 'STEP_UP_REQUIRED']);

function sameKeyOnRetry(attempts: Attempt[]): RuleVerdict {
  const rule = 'same-key-on-retry';
  if (attempts.length < 2) return pass(rule, `no retry (${plural(attempts.length, 'attempt')})`);
  const keyless = attempts.findIndex((a) => a.key === undefined);
  if (keyless >= 0)
    return fail(rule, `attempt ${keyless + 1} sent no Klarna-Idempotency-Key: a retry cannot be recognised`);
  const keys = new Set(attempts.map((a) => a.key));
  if (keys.size > 1) {
    const changed = attempts.findIndex((a) => a.key !== attempts[0]?.key);
    return fail(rule, `${keys.size} keys over ${attempts.length} attempts: attempt ${changed + 1} used a new key`);
  }
  const changed = attempts.findIndex((a) => a.body !== attempts[0]?.body);
  if (changed >= 0) return fail(rule, `attempt ${changed + 1} changed the body under the same key`);
  return pass(rule, `${attempts.length} attempts, one key, one body`);
}

function oneTransaction(attempts: Attempt[]): RuleVerdict {
  const rule = 'one-transaction';
  // A replay hands back the stored answer; every approval that is not a replay made a new payment transaction.
  const made = attempts.filter((a) => a.result === 'APPROVED' && !a.replayed).length;
  if (made > 1) return fail(rule, `${made} transactions approved for one purchase`);
  return pass(rule, `${plural(made, 'transaction')} approved`);
}

function retryAfterHonoured(attempts: Attempt[], retryAfterSeconds: number | undefined): RuleVerdict {
  const rule = 'retry-after-honoured';
  for (let i = 0; i + 1 < attempts.length; i++) {
    const [a, next] = [attempts[i] as Attempt, attempts[i + 1] as Attempt];
    if (a.status !== 429) continue;
    const wanted = (retryAfterSeconds ?? 0) * 1000;
    const gap = next.at - a.at;
    if (gap < wanted)
      return fail(rule, `attempt ${i + 2} came ${gap} ms after the 429; Retry-After asked for ${wanted} ms`);
    return pass(rule, `attempt ${i + 2} came ${gap} ms after the 429 (Retry-After ${wanted} ms)`);
  }
  return pass(rule, 'no retry after a 429');
}

function noRetryOn4xx(attempts: Attempt[]): RuleVerdict {
  const rule = 'no-retry-on-4xx';
  const index = attempts.findIndex((a) => (a.status ?? 0) >= 400 && (a.status ?? 0) < 500 && !retryable(a));
  if (index < 0) return pass(rule, 'no 4xx other than 409/429');
  const later = attempts.length - index - 1;
  const status = attempts[index]?.status;
  if (later > 0) return fail(rule, `retried a ${status} ${plural(later, 'time')}`);
  return pass(rule, `stopped after the ${status}`);
}

function backoff(attempts: Attempt[], minGapMs: number): RuleVerdict {
  const rule = 'backoff';
  let least: number | undefined;
  for (let i = 0; i + 1 < attempts.length; i++) {
    const [a, next] = [attempts[i] as Attempt, attempts[i + 1] as Attempt];
    if (!retryable(a)) continue;
    const gap = next.at - (a.answeredAt ?? a.at);
    if (gap < minGapMs) {
      return fail(rule, `attempt ${i + 2} came ${gap} ms after the ${outcome(a)} (minimum ${minGapMs} ms)`);
    }
    least = Math.min(least ?? gap, gap);
  }
  if (least === undefined) return pass(rule, 'no retry');
  return pass(rule, `retries ${least} ms or more apart (minimum ${minGapMs} ms)`);
}

function eventuallySucceeds(attempts: Attempt[]): RuleVerdict {
  const rule = 'eventually-succeeds';
  if (attempts.length === 0) return fail(rule, 'the client sent no authorize request');
  // Answered, not only made: after a lost response, the client must still hear of the approval.
  const index = attempts.findIndex((a) => a.fault === undefined && a.status === 200 && APPROVALS.has(a.result ?? ''));
  if (index < 0) {
    const last = attempts[attempts.length - 1] as Attempt;
    return fail(rule, `no approval answered in ${plural(attempts.length, 'attempt')} (last: ${outcome(last)})`);
  }
  const replay = attempts[index]?.replayed ? ', a replay' : '';
  return pass(rule, `${attempts[index]?.result} on attempt ${index + 1}${replay}`);
}

const deliveriesOf = (n: number) => (n === 1 ? '1 delivery' : `${n} deliveries`);

function receiverMissing(rule: RuleName, facts: WebhookFacts | undefined): RuleVerdict | undefined {
  if (facts?.receiver === undefined) return fail(rule, 'the client announced no webhook receiver to its report URL');
  if (facts.deliveries === 0) return fail(rule, 'no webhook was delivered (did the purchase succeed?)');
  if (facts.effects.length === 0) {
    return fail(rule, `the receiver reported no effect of ${deliveriesOf(facts.deliveries)}`);
  }
  return undefined;
}

function webhookProcessedOnce(facts: WebhookFacts | undefined): RuleVerdict {
  const rule = 'webhook-processed-once';
  const missing = receiverMissing(rule, facts);
  if (missing !== undefined || facts === undefined) return missing as RuleVerdict;
  const counts = new Map<string, number>();
  for (const effect of facts.effects) counts.set(effect.event_id, (counts.get(effect.event_id) ?? 0) + 1);
  const deliveries = deliveriesOf(facts.deliveries);
  for (const [id, count] of counts) {
    if (count > 1) return fail(rule, `event ${id.slice(0, 8)}… applied ${plural(count, 'time')} (${deliveries})`);
  }
  return pass(rule, `${counts.size} of ${plural(facts.events, 'event')} applied, none twice (${deliveries})`);
}

function webhookNewestStateKept(facts: WebhookFacts | undefined): RuleVerdict {
  const rule = 'webhook-newest-state-kept';
  const missing = receiverMissing(rule, facts);
  if (missing !== undefined || facts === undefined) return missing as RuleVerdict;
  const kept = facts.effects[facts.effects.length - 1]?.state;
  if (kept !== facts.newestState) {
    return fail(rule, `ended on ${kept}, delivered last; the newest event says ${facts.newestState}`);
  }
  return pass(rule, `ended on ${kept}, the newest event's state`);
}

function expiredTokenNotReused(attempts: Attempt[]): RuleVerdict {
  const rule = 'expired-token-not-reused';
  const refused = attempts.findIndex((a) => a.tokenExpired === true);
  if (refused < 0) {
    const sent = attempts.filter((a) => a.sessionToken).length;
    return sent === 0
      ? pass(rule, 'the expired session token was never sent')
      : pass(rule, `the session token was sent ${plural(sent, 'time')}, never refused as expired`);
  }
  const again = attempts.slice(refused + 1).filter((a) => a.sessionToken).length;
  if (again > 0)
    return fail(rule, `sent the expired session token again ${plural(again, 'time')} after the 400 said expired`);
  return pass(rule, `dropped the session token after attempt ${refused + 1} was refused as expired`);
}

/** Judges one case's attempts (oldest first) by the named rules, in the order given. */
export function judge(rules: readonly RuleName[], attempts: Attempt[], options: JudgeOptions = {}): RuleVerdict[] {
  const minGapMs = options.minGapMs ?? DEFAULT_MIN_GAP_MS;
  const judges: Record<RuleName, () => RuleVerdict> = {
    'same-key-on-retry': () => sameKeyOnRetry(attempts),
    'one-transaction': () => oneTransaction(attempts),
    'retry-after-honoured': () => retryAfterHonoured(attempts, options.retryAfterSeconds),
    'no-retry-on-4xx': () => noRetryOn4xx(attempts),
    backoff: () => backoff(attempts, minGapMs),
    'eventually-succeeds': () => eventuallySucceeds(attempts),
    'webhook-processed-once': () => webhookProcessedOnce(options.webhooks),
    'webhook-newest-state-kept': () => webhookNewestStateKept(options.webhooks),
    'expired-token-not-reused': () => expiredTokenNotReused(attempts),
  };
  return rules.map((rule) => judges[rule]());
}
