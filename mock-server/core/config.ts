import { z } from 'zod';
import { ONE_OFF_PARSE, WebhookSubscriptionRequest } from '../../contracts/index.js';
import { parseStoreLocation } from './store/store-location.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** More worker processes than this would only compete for the same cores. */
export const MAX_WORKERS = 64;

/** Currencies of Klarna's Payment Request API (reference §2.1); the list for authorize is a simulator choice. */
export const DEFAULT_CURRENCIES = [
  'AUD',
  'CAD',
  'CHF',
  'CZK',
  'DKK',
  'EUR',
  'GBP',
  'HUF',
  'MXN',
  'NOK',
  'NZD',
  'PLN',
  'RON',
  'SEK',
  'USD',
] as const;

/** Printable ASCII without spaces (it travels in a header), long enough not to be guessed. */
export const AdminToken = z
  .string()
  .min(16, 'at least 16 characters')
  .max(256, 'at most 256 characters')
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII characters without spaces');

/**
 * Caps on scenarios armed through the admin API. Each request looks at its own account's entries and at those armed
 * for all, so these two caps bound the work one request can cost; 100 is more than a test suite arms at once. The
 * total bounds memory (a scenario's fields are bounded, ~3 KB at most, so ~30 MB) and, with the per-account cap, it
 * takes 100 accounts to reach it: one account at its cap leaves every other account free to arm
 * (docs/simulator-choices.md#scenarios).
 */
export const ARMED_SCENARIO_LIMITS = { perAccount: 100, forAll: 100, total: 10_000 };
export type ArmedScenarioLimits = typeof ARMED_SCENARIO_LIMITS;

export const ApiKeyConfig = z.strictObject({
  key: z.string().min(1),
  /** Partner accounts this key may act on; absent means every account. */
  accounts: z.array(z.string().min(1)).optional(),
});

/**
 * Everything a user can set, parsed at start-up so that a bad value stops the start with its path and reason.
 * Defaults follow docs/simulator-choices.md, which lists each choice with its setting and default.
 */
export const MockConfig = z.strictObject({
  /** Known partner accounts; absent means any non-empty id is accepted. */
  accounts: z
    .array(z.string().min(1))
    .optional()
    .describe(
      'The known partner account ids (string[]); any other id gets `404 RESOURCE_NOT_FOUND`. Absent: any account id.',
    ),
  /** Accepted API keys; absent means any non-empty key is accepted. */
  apiKeys: z
    .array(ApiKeyConfig)
    .optional()
    .describe(
      'The accepted API keys (`{ key, accounts? }[]`); any other key gets `401`. A key with `accounts` may act only on those accounts; on another account it gets `403 OPERATION_FORBIDDEN`. Absent: any non-empty key.',
    ),
  currencies: z
    .array(z.string().regex(/^[A-Z]{3}$/))
    .min(1)
    .default([...DEFAULT_CURRENCIES])
    .describe('The currencies accepted in `currency` (3 upper-case letters each).'),
  /** Reject a request whose line items do not add up to the amount. */
  lineItemSumCheck: z
    .boolean()
    .default(true)
    .describe('Rejects line items whose `total_amount`s do not add up to the amount.'),
  /**
   * Session tokens the simulator never issued: `context` (the normal rules decide; docs/simulator-choices.md
   * #session-tokens), `final` (any token finalizes, the behaviour before 0.2) or `reject` (400, reason `unknown`).
   */
  unknownSessionTokens: z
    .enum(['context', 'final', 'reject'])
    .default('context')
    .describe(
      'Session tokens the simulator did not issue: `context` (the rules decide), `final` (any token finalizes) or `reject` (`400`, reason `unknown`). `strictSessionTokens: true`, the old name, is `reject`.',
    ),
  /** Deprecated: `true` is `unknownSessionTokens: "reject"` (kept so that older settings files still start). */
  strictSessionTokens: z
    .boolean()
    .optional()
    .describe('Deprecated: `true` is `unknownSessionTokens: "reject"`, kept so that older settings files still start.'),
  /** Partner account ids in the path: Klarna resource names only (`krn`), or any non-empty id (`any`). */
  accountIds: z
    .enum(['krn', 'any'])
    .default('krn')
    .describe(
      '`krn`: the partner account id must be a Klarna resource name (`krn:partner:global:account:test:M48JWZF8`), else `400`; `any`: any non-empty id.',
    ),
  /**
   * The account of the Klarna Direct paths (`/v2/payment/…`) and of Klarna's webhook management
   * (`/v2/notification/…`), which name no account: a key bound to exactly one account acts on it, any other key on
   * this one.
   */
  defaultAccount: z
    .string()
    .min(1)
    .max(255)
    .default('krn:partner:global:account:test:DEFAULT')
    .describe(
      "The account of the paths that name none (Klarna Direct's `/v2/payment/…`, webhook management's `/v2/notification/…`) for a key not bound to exactly one account.",
    ),
  region: z
    .string()
    .regex(/^[a-z0-9]+$/)
    .default('eu1')
    .describe('The region segment of generated ids (`krn:payment:<region>:…`); `[a-z0-9]+`.'),
  idempotencyWindowMs: z.int().positive().default(DAY).describe('How long a `Klarna-Idempotency-Key` replays.'),
  transactionTtlMs: z
    .int()
    .positive()
    .default(28 * DAY)
    .describe('`payment_transaction.expires_at` is now + this.'),
  paymentRequestTtlMs: z
    .int()
    .positive()
    .default(3 * HOUR)
    .describe('The lifetime of a payment request: `payment_request.expires_at` is now + this.'),
  sessionTokenTtlMs: z
    .int()
    .positive()
    .default(60 * MINUTE)
    .describe('The life of a session token the simulator issued, counted from the approval.'),
  /** Idempotency records kept at most, across accounts (each ~1 KB). */
  maxStoredResponses: z
    .int()
    .positive()
    .default(50_000)
    .describe(
      'The size cap of each in-memory store: idempotency keys, session tokens, issued tokens and payment requests.',
    ),
  /**
   * Bytes each store may hold (idempotency answers, session-token answers, payment requests, transactions, issued
   * tokens): past it the oldest go first, whatever their count. 12 MB each: the seven stores, the journal (32 MB) and
   * the webhook deliveries (32 MB pending, 16 MB finished) together stay well inside npm start's 256 MB heap.
   */
  storeMaxBytes: z
    .int()
    .min(1024 * 1024)
    .default(12 * 1024 * 1024)
    .describe(
      'The bytes each store may hold (idempotency answers, session-token answers, payment requests, transactions, issued tokens); past it the oldest go first, and a warning is logged once.',
    ),
  /** Authorize requests kept in the journal per account (a ring buffer), and accounts kept at most. */
  journalSize: z
    .int()
    .positive()
    .default(1000)
    .describe(
      'Authorize requests kept in the [request journal](../guides/testing-your-client.md#the-request-journal) per account (the oldest go first).',
    ),
  journalAccounts: z
    .int()
    .positive()
    .default(1000)
    .describe('Accounts the journal keeps; the least recently used account is forgotten first.'),
  /** Journal records older than this (on the account clock) are dropped. */
  journalMaxAgeMs: z
    .int()
    .positive()
    .default(DAY)
    .describe(
      "Journal records older than this on the account's [clock](../guides/step-up-journey.md#the-test-clock) are dropped.",
    ),
  /** The journal's whole size as kept (its records encoded, outside the JavaScript heap), allocated on the first record. */
  journalMaxBytes: z
    .int()
    .positive()
    .max(1024 * 1024 * 1024)
    .default(32 * 1024 * 1024)
    .describe(
      "The journal's whole size: its records as kept (JSON text, one record at most 32 KB), in one buffer outside the JavaScript heap; past it the oldest records, of any account, go first.",
    ),
  /** A client must have sent its headers within this long, and its whole request within requestTimeoutMs. */
  headersTimeoutMs: z
    .int()
    .positive()
    .default(10_000)
    .describe(
      'A client must have sent its headers within this long, or it gets `408 REQUEST_TIMEOUT` and the connection is closed.',
    ),
  requestTimeoutMs: z.int().positive().default(30_000).describe('The same for the whole request, body included.'),
  /**
   * A connection that sends nothing for this long is closed: a new one before its first request, a kept-alive one
   * between requests (an answer being prepared, in a delay or a hang, is not idle).
   */
  idleTimeoutMs: z
    .int()
    .positive()
    .default(30_000)
    .describe(
      "A connection that sends nothing for this long is closed: a new one before its first request, a kept-alive one between requests (plus Node's 1 s grace). An answer in a delay is not idle.",
    ),
  bodyLimitBytes: z
    .int()
    .positive()
    .default(1024 * 1024)
    .describe('Larger bodies get `413 PAYLOAD_TOO_LARGE`.'),
  /** Directory of scenario files (*.json); absent means none. main.ts passes fixtures/scenarios when it exists. */
  fixturesDir: z
    .string()
    .min(1)
    .optional()
    .describe(
      'The directory of [scenario files](../guides/scenarios.md#scenario-files), relative to the working directory. `--fixtures` wins over it. Absent: the command line uses `fixtures/scenarios` when it exists.',
    ),
  /** Reload scenario files when they change. */
  watchFixtures: z.boolean().default(true).describe('Reloads the scenario files when they change.'),
  /** Scenarios armed at once for one account, for all accounts, and in all (ARMED_SCENARIO_LIMITS says why). */
  maxArmedPerAccount: z
    .int()
    .positive()
    .default(ARMED_SCENARIO_LIMITS.perAccount)
    .describe(
      'Scenarios [armed](../guides/scenarios.md#the-admin-api) at once for one account; past it, arming for that account gets `409`.',
    ),
  maxArmedForAll: z
    .int()
    .positive()
    .default(ARMED_SCENARIO_LIMITS.forAll)
    .describe("Scenarios armed at once for every account; each request looks at these and its own account's."),
  maxArmedScenarios: z
    .int()
    .positive()
    .default(ARMED_SCENARIO_LIMITS.total)
    .describe('Scenarios armed at once in all.'),
  /** Seed of the generator behind `probability` and ranged delays: the same seed replays the same run. */
  seed: z
    .string()
    .default('klarna-mock')
    .describe('The seed of `probability` scenarios and ranged delays. `--seed` wins over it.'),
  /** Longest a `hang` holds a request before the connection is closed. */
  hangMaxMs: z
    .int()
    .positive()
    .default(30_000)
    .describe(
      'The longest a [`hang`](../guides/scenarios.md#network-faults) holds a request before the connection is closed.',
    ),
  /** Webhook receivers per account, subscribed at start (the admin API can add more). */
  webhooks: z
    .array(WebhookSubscriptionRequest)
    .optional()
    .describe(
      '[Webhook](../guides/step-up-journey.md#webhooks) receivers subscribed at start: `{ account, url, signing_key? }[]`, the same fields as `POST /__mock/webhooks`. Absent: no webhooks.',
    ),
  /** How long one webhook attempt may take before it counts as failed. */
  webhookTimeoutMs: z
    .int()
    .positive()
    .default(10_000)
    .describe('How long one webhook attempt may take before it counts as failed.'),
  /** Failed webhooks are retried for this long (on the account clock), like Klarna's 12 hours. */
  webhookRetryHorizonMs: z
    .int()
    .positive()
    .default(12 * HOUR)
    .describe('How long after its first attempt a failed webhook is retried, on the account clock.'),
  /**
   * Bytes pending webhook deliveries may hold (each keeps its signed body until it is final), per account and in
   * all: 74k pending deliveries once took RSS to 340 MB. Past a cap the oldest pending ones are dropped, shown as
   * `dropped` in the delivery log, with one warning (docs/simulator-choices.md#webhook-delivery).
   */
  webhookPendingBytesPerAccount: z
    .int()
    .positive()
    .default(4 * 1024 * 1024)
    .describe(
      "The bytes one account's pending [webhook](../guides/step-up-journey.md#webhooks) deliveries may hold (about 1 KB plus the body each); past it the oldest are dropped.",
    ),
  webhookPendingBytes: z
    .int()
    .positive()
    .default(32 * 1024 * 1024)
    .describe('The same over all accounts.'),
  /**
   * Finished webhook deliveries (delivered, failed, dropped) kept in the delivery logs of all accounts, by count and
   * by estimated bytes (~0.35 KB each, the URL and last error included; no body is kept). Past either, the deliveries
   * that finished first leave the logs, whatever their account, with one warning; pending deliveries never do
   * (docs/simulator-choices.md#webhook-delivery).
   */
  webhookFinishedDeliveries: z
    .int()
    .positive()
    .default(50_000)
    .describe(
      'Finished (delivered, failed, dropped) [webhook](../guides/step-up-journey.md#webhooks) deliveries kept in the logs of all accounts; past it the first finished leave, and a warning is logged once. Pending ones never do.',
    ),
  webhookFinishedBytes: z
    .int()
    .min(64 * 1024)
    .default(16 * 1024 * 1024)
    .describe('The same by estimated bytes (about 0.35 KB each; no body is kept once a delivery is final).'),
  /** On shutdown, requests in a scenario delay get this long to finish before the delay is cut short. */
  shutdownGraceMs: z
    .int()
    .min(0)
    .default(5_000)
    .describe(
      'On shutdown, requests waiting in a scenario delay get this long to finish before the delay is cut short. May be `0`.',
    ),
  /**
   * With a token, every /__mock route needs `Authorization: Bearer <token>` (on loopback too); without one, the
   * command line refuses to bind beyond loopback unless adminOpen is true (mock-server/app/admin-exposure.ts).
   */
  adminToken: AdminToken.optional().describe(
    'Every `/__mock` request must send `Authorization: Bearer <token>` (16–256 printable ASCII characters, no spaces), else `401 UNAUTHORIZED`; loopback included. See [Exposing it on a network](running.md#exposing-it-on-a-network). Absent by default.',
  ),
  /** Lets the admin API go without a token beyond loopback, for a trusted network (a container); warns at start. */
  adminOpen: z
    .boolean()
    .default(false)
    .describe(
      'Lets the command bind beyond loopback without `adminToken` (a trusted network such as a container); it logs a warning at start.',
    ),
  /**
   * Where idempotency answers and issued tokens live (issue 15, phase 1): this process's memory, or a Redis (one
   * server or a Cluster) that several instances share. Everything else stays per instance (docs/guides/scale-out.md).
   */
  store: z
    .string()
    .default('memory')
    .superRefine((text, context) => {
      const parsed = parseStoreLocation(text);
      if ('error' in parsed) context.addIssue({ code: 'custom', message: parsed.error });
    })
    .describe(
      "Where idempotency answers (authorize's and the other writes') and issued tokens live: `memory` (this process), `redis://host:port/db`, `rediss://…` (TLS) or `redis-cluster://host:port,host:port` (a Redis Cluster), shared by every instance that names it. `--store` and `KLARNA_MOCK_STORE` win over it. See [Scale out](../guides/scale-out.md).",
    ),
  /**
   * Processes serving the command line's one port (node:cluster): more than one needs a shared `store`, since each
   * worker would otherwise keep its own answers. buildApp and startMock serve from the one process they run in.
   */
  workers: z
    .int()
    .min(1)
    .max(MAX_WORKERS)
    .default(1)
    .describe(
      'Processes the command line serves its one port from (`1`: this process alone). More than one needs a shared `store` (Redis): the command refuses to start on the memory store. `--workers` and `KLARNA_MOCK_WORKERS` win over it; `startMock` ignores it. See [Scale out](../guides/scale-out.md#workers-one-port-several-processes).',
    ),
  /** Base of payment_request_url; absent means the origin the request was sent to. */
  publicUrl: z
    .url()
    .optional()
    .describe(
      'The base of `payment_request_url`, e.g. when the simulator runs behind a proxy or in a container. Absent: the origin the request was sent to.',
    ),
});
export type MockConfigInput = z.input<typeof MockConfig>;

/**
 * Parses the settings, mapping the deprecated `strictSessionTokens` onto `unknownSessionTokens`. Once a start, so
 * without zod's compiled fast path (`jitless`): compiling it cost the start-up more than it saves on one parse.
 */
export function parseMockConfig(input: unknown) {
  const parsed = MockConfig.safeParse(input, ONE_OFF_PARSE);
  if (parsed.success && parsed.data.strictSessionTokens === true) parsed.data.unknownSessionTokens = 'reject';
  return parsed;
}
export type MockConfig = z.output<typeof MockConfig>;
