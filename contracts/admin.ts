import { z } from 'zod';
import { lazily } from './lazily.js';
import { WebhookDelivery, WebhookSubscriptionView } from './webhook.js';

// Shapes of the simulator's own admin API under /__mock/ (not Klarna's).

/** A partner account id as the admin API takes it: the same bound as the authorize path. */
export const AccountId = lazily(() => z.string().min(1).max(255));

export const OptionalAccountQuery = lazily(() => z.object({ account: AccountId.optional() }));
export const AccountQuery = lazily(() => z.object({ account: AccountId }));
export const AccountParams = lazily(() => z.object({ account: AccountId }));

/** A page of a list: the newest `limit` after skipping the newest `offset`. */
const pageOf = (what: string, max: number, byDefault: number) => ({
  limit: z.coerce.number().int().min(1).max(max).optional().describe(`The newest n ${what} (default ${byDefault})`),
  offset: z.coerce.number().int().min(0).max(1_000_000).optional().describe(`Skip the newest n ${what} first`),
});

/** Armed scenarios: a page, as every list of the admin API (up to 10,000 can be armed). */
export const ScenariosQuery = lazily(() =>
  OptionalAccountQuery.unwrap().extend(pageOf('armed scenarios', 10_000, 1000)),
);

export const RequestsQuery = lazily(() =>
  OptionalAccountQuery.unwrap().extend({
    limit: z.coerce.number().int().min(1).max(10_000).optional().describe('The newest n requests (default 1000)'),
    offset: z.coerce.number().int().min(0).max(1_000_000).optional().describe('Skip the newest n requests first'),
  }),
);

export const ResetResult = lazily(() => z.object({ account: z.string(), disarmed: z.int() }));

export const Health = lazily(() =>
  z.object({
    status: z.literal('ok'),
    pid: z
      .int()
      .positive()
      .describe('The process that answered: with `--workers`, the worker the connection was handed to'),
  }),
);

/** The latest instant the simulator renders: expiries land up to a month past the clock, and stay ISO 8601. */
export const MAX_CLOCK_MS = Date.parse('9900-01-01T00:00:00.000Z');

export const ClockMove = lazily(() =>
  z
    .strictObject({
      account: AccountId,
      advance_ms: z.int().min(0).max(MAX_CLOCK_MS).optional().describe('Move the account clock forward by this much'),
      set: z.iso.datetime({ offset: true }).optional().describe('Set the account clock to this instant'),
    })
    .refine((m) => (m.advance_ms === undefined) !== (m.set === undefined), 'give either advance_ms or set'),
);

export const ClockState = lazily(() => z.object({ account: z.string(), now: z.string() }));

/** One page of an account's delivery log, newest first, like the request journal's. */
export const WebhookLogQuery = lazily(() =>
  AccountQuery.unwrap().extend({
    limit: z.coerce.number().int().min(1).max(1000).optional().describe('The newest n deliveries (default 100)'),
    offset: z.coerce.number().int().min(0).max(1_000_000).optional().describe('Skip the newest n deliveries first'),
  }),
);

export const WebhookState = lazily(() =>
  z.object({
    subscription: WebhookSubscriptionView.nullable(),
    /** The page's deliveries, oldest first. */
    deliveries: z.array(WebhookDelivery),
    /** Deliveries in the account's log, of which this page shows some. */
    total: z.int().min(0),
    /** Older deliveries than these are in the log: page on with `offset`. */
    truncated: z.boolean(),
  }),
);
