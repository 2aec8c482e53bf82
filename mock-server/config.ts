import { z } from 'zod';
import { WebhookSubscriptionRequest } from '../contracts/index.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

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
  accounts: z.array(z.string().min(1)).optional(),
  /** Accepted API keys; absent means any non-empty key is accepted. */
  apiKeys: z.array(ApiKeyConfig).optional(),
  currencies: z
    .array(z.string().regex(/^[A-Z]{3}$/))
    .min(1)
    .default([...DEFAULT_CURRENCIES]),
  /** Reject a request whose line items do not add up to the amount. */
  lineItemSumCheck: z.boolean().default(true),
  /**
   * Session tokens the simulator never issued: `context` (the normal rules decide; docs/simulator-choices.md
   * #session-tokens), `final` (any token finalizes, the behaviour before 0.2) or `reject` (400, reason `unknown`).
   */
  unknownSessionTokens: z.enum(['context', 'final', 'reject']).default('context'),
  /** Deprecated: `true` is `unknownSessionTokens: "reject"` (kept so that older settings files still start). */
  strictSessionTokens: z.boolean().optional(),
  /** Partner account ids in the path: Klarna resource names only (`krn`), or any non-empty id (`any`). */
  accountIds: z.enum(['krn', 'any']).default('krn'),
  /**
   * The account of the Klarna Direct paths (`/v2/payment/…`) and of Klarna's webhook management
   * (`/v2/notification/…`), which name no account: a key bound to exactly one account acts on it, any other key on
   * this one.
   */
  defaultAccount: z.string().min(1).max(255).default('krn:partner:global:account:test:DEFAULT'),
  region: z
    .string()
    .regex(/^[a-z0-9]+$/)
    .default('eu1'),
  idempotencyWindowMs: z.int().positive().default(DAY),
  transactionTtlMs: z
    .int()
    .positive()
    .default(28 * DAY),
  paymentRequestTtlMs: z
    .int()
    .positive()
    .default(3 * HOUR),
  sessionTokenTtlMs: z
    .int()
    .positive()
    .default(60 * MINUTE),
  /** Idempotency records kept at most, across accounts (each ~1 KB). */
  maxStoredResponses: z.int().positive().default(50_000),
  /**
   * Bytes each store may hold (idempotency answers, session-token answers, payment requests, transactions, issued
   * tokens): past it the oldest go first, whatever their count. 12 MB each: the seven stores, the journal (32 MB) and
   * the webhook deliveries (32 MB pending, 16 MB finished) together stay well inside npm start's 256 MB heap.
   */
  storeMaxBytes: z
    .int()
    .min(1024 * 1024)
    .default(12 * 1024 * 1024),
  /** Authorize requests kept in the journal per account (a ring buffer), and accounts kept at most. */
  journalSize: z.int().positive().default(1000),
  journalAccounts: z.int().positive().default(1000),
  /** Journal records older than this (on the account clock) are dropped. */
  journalMaxAgeMs: z.int().positive().default(DAY),
  /** The journal's whole size, estimated (body text, headers, ~0.5 KB per record): 32 MB fits the 256 MB heap. */
  journalMaxBytes: z
    .int()
    .positive()
    .default(32 * 1024 * 1024),
  /** A client must have sent its headers within this long, and its whole request within requestTimeoutMs. */
  headersTimeoutMs: z.int().positive().default(10_000),
  requestTimeoutMs: z.int().positive().default(30_000),
  /**
   * A connection that sends nothing for this long is closed: a new one before its first request, a kept-alive one
   * between requests (an answer being prepared, in a delay or a hang, is not idle).
   */
  idleTimeoutMs: z.int().positive().default(30_000),
  bodyLimitBytes: z
    .int()
    .positive()
    .default(1024 * 1024),
  /** Directory of scenario files (*.json); absent means none. main.ts passes fixtures/scenarios when it exists. */
  fixturesDir: z.string().min(1).optional(),
  /** Reload scenario files when they change. */
  watchFixtures: z.boolean().default(true),
  /** Scenarios armed at once for one account, for all accounts, and in all (ARMED_SCENARIO_LIMITS says why). */
  maxArmedPerAccount: z.int().positive().default(ARMED_SCENARIO_LIMITS.perAccount),
  maxArmedForAll: z.int().positive().default(ARMED_SCENARIO_LIMITS.forAll),
  maxArmedScenarios: z.int().positive().default(ARMED_SCENARIO_LIMITS.total),
  /** Seed of the generator behind `probability` and ranged delays: the same seed replays the same run. */
  seed: z.string().default('klarna-mock'),
  /** Longest a `hang` holds a request before the connection is closed. */
  hangMaxMs: z.int().positive().default(30_000),
  /** Webhook receivers per account, subscribed at start (the admin API can add more). */
  webhooks: z.array(WebhookSubscriptionRequest).optional(),
  /** How long one webhook attempt may take before it counts as failed. */
  webhookTimeoutMs: z.int().positive().default(10_000),
  /** Failed webhooks are retried for this long (on the account clock), like Klarna's 12 hours. */
  webhookRetryHorizonMs: z
    .int()
    .positive()
    .default(12 * HOUR),
  /**
   * Bytes pending webhook deliveries may hold (each keeps its signed body until it is final), per account and in
   * all: 74k pending deliveries once took RSS to 340 MB. Past a cap the oldest pending ones are dropped, shown as
   * `dropped` in the delivery log, with one warning (docs/simulator-choices.md#webhook-delivery).
   */
  webhookPendingBytesPerAccount: z
    .int()
    .positive()
    .default(4 * 1024 * 1024),
  webhookPendingBytes: z
    .int()
    .positive()
    .default(32 * 1024 * 1024),
  /**
   * Finished webhook deliveries (delivered, failed, dropped) kept in the delivery logs of all accounts, by count and
   * by estimated bytes (~0.35 KB each, the URL and last error included; no body is kept). Past either, the deliveries
   * that finished first leave the logs, whatever their account, with one warning; pending deliveries never do
   * (docs/simulator-choices.md#webhook-delivery).
   */
  webhookFinishedDeliveries: z.int().positive().default(50_000),
  webhookFinishedBytes: z
    .int()
    .min(64 * 1024)
    .default(16 * 1024 * 1024),
  /** On shutdown, requests in a scenario delay get this long to finish before the delay is cut short. */
  shutdownGraceMs: z.int().min(0).default(5_000),
  /**
   * With a token, every /__mock route needs `Authorization: Bearer <token>` (on loopback too); without one, the
   * command line refuses to bind beyond loopback unless adminOpen is true (mock-server/admin-exposure.ts).
   */
  adminToken: AdminToken.optional(),
  /** Lets the admin API go without a token beyond loopback, for a trusted network (a container); warns at start. */
  adminOpen: z.boolean().default(false),
  /** Base of payment_request_url; absent means the origin the request was sent to. */
  publicUrl: z.url().optional(),
});
export type MockConfigInput = z.input<typeof MockConfig>;

/** Parses the settings, mapping the deprecated `strictSessionTokens` onto `unknownSessionTokens`. */
export function parseMockConfig(input: unknown) {
  const parsed = MockConfig.safeParse(input);
  if (parsed.success && parsed.data.strictSessionTokens === true) parsed.data.unknownSessionTokens = 'reject';
  return parsed;
}
export type MockConfig = z.output<typeof MockConfig>;
