import { z } from 'zod';
import { lazily } from './lazily.js';

/** Klarna resource names are opaque `krn:` strings; only the prefix is relied on (reference §8). */
export const Krn = lazily(() => z.string().regex(/^krn:/, 'must be a krn: identifier'));

/**
 * A partner account id as Klarna forms it, `krn:partner:global:account:test:M48JWZF8` (the API reference asks for
 * "a valid krn"). Checked by the simulator only when its `accountIds` setting is `krn`, the default.
 */
export const PartnerAccountKrn = lazily(() =>
  z
    .string()
    .regex(
      /^krn:partner:[a-z0-9-]+:account:[a-z0-9-]+:[A-Za-z0-9._~-]+$/,
      'must be a partner account krn such as krn:partner:global:account:test:M48JWZF8',
    ),
);

/** ISO 4217 code; the supported list is a simulator setting, not part of the contract. */
export const Currency = lazily(() =>
  z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code of 3 upper-case letters'),
);

/** Minor units, 1 … 2147483647 (PaymentAmount in Klarna's sibling APIs; docs/simulator-choices.md#amounts). */
export const Amount = lazily(() => z.int().min(1).max(2147483647));

/** A signed amount in minor units: line items may be negative (discounts). */
export const SignedAmount = lazily(() => z.int().min(-2147483647).max(2147483647));

/** Partner references: `[1 .. 255]` characters like their documented siblings. */
export const Reference = lazily(() => z.string().min(1).max(255));

export const IsoDateTime = lazily(() => z.iso.datetime({ offset: true }));

export const TransactionResult = lazily(() => z.enum(['APPROVED', 'DECLINED', 'STEP_UP_REQUIRED']));
export type TransactionResult = z.infer<typeof TransactionResult>;

/** Klarna's request collection (r2512) also asks for `customer:login` (Sign in with Klarna). */
export const CustomerTokenScope = lazily(() =>
  z.enum(['payment:customer_present', 'payment:customer_not_present', 'customer:login']),
);

export const Interval = lazily(() => z.enum(['DAY', 'WEEK', 'MONTH', 'YEAR']));

/** `Klarna-Idempotency-Key`: a repeat with the same key replays the first answer. */
export const IdempotencyKeyHeader = lazily(() =>
  z.string().min(1).max(255).describe('Ideally a UUID; replays the first answer'),
);
