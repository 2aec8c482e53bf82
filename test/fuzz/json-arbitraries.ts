import fc from 'fast-check';
import { BUILT_IN_SCENARIOS } from '../../mock-server/core/scenarios/built-in.js';

// Arbitrary JSON for the authorize fuzz suites, generated as text, so that it can carry what a JS value cannot:
// numbers beyond double precision and `__proto__` as an own key.

/**
 * Amounts that arm a built-in scenario answering with an error, a fault or a delay (9929, 9940–9974): a 5xx or a
 * dropped connection there is the simulator doing its job, so the fuzzer stays off them.
 */
export const SCENARIO_AMOUNTS = new Set(
  BUILT_IN_SCENARIOS.filter((s) => s.error !== undefined || s.fault !== undefined || s.delay_ms !== undefined).map(
    (s) => s.magicAmount,
  ),
);

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** True when the text parses to a request that would pick one of SCENARIO_AMOUNTS. */
export function armsScenario(text: string | Uint8Array): boolean {
  try {
    const body: unknown = JSON.parse(typeof text === 'string' ? text : Buffer.from(text).toString('utf8'));
    const transaction = isRecord(body) ? body.request_payment_transaction : undefined;
    return isRecord(transaction) && SCENARIO_AMOUNTS.has(transaction.amount as number);
  } catch {
    return false;
  }
}

/** A number written verbatim into the JSON text; see toJsonText. */
const RAW = '\u0000raw:';
export const rawNumber = (text: string) => `${RAW}${text}\u0000`;

/** JSON.stringify, then the raw-number markers replaced by their text. */
export function toJsonText(value: unknown): string {
  return (JSON.stringify(value) ?? 'null').replace(/"\\u0000raw:([^"\\]*)\\u0000"/g, '$1');
}

export const hugeNumberText = fc.oneof(
  fc.constantFrom('1e400', '-1e400', '1e-400', '-0', '0.0', '1E+2', '2147483648', '9007199254740993', '11800.0'),
  fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }).map(String),
  fc
    .tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 300, max: 100_000 }))
    .map(([d, n]) => `${d}${'0'.repeat(n)}`),
);

export const nastyNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -0, 1, 11800, 2 ** 31 - 1, 2 ** 31, 2 ** 53, Number.MAX_VALUE, Number.MIN_VALUE, 0.5, -1),
);

export const nastyString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  // Lone surrogates and every other code unit.
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', 'USD', 'usd', 'krn:', 'krn:partner:x', 'payment:customer_present', 'HANDOVER', 'NOW'),
  fc.constantFrom('\u0000', '\ud800', '\udfff', '\u202e', '💳', 'Ω', 'e\u0301', '\ufeff'),
  fc.integer({ min: 250, max: 20_000 }).map((n) => 'x'.repeat(n)),
);

/** Keys that are known to the schema or dangerous to naive code, mixed with arbitrary ones. */
export const fuzzKey = fc.oneof(
  { arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'), weight: 2 },
  {
    arbitrary: fc.constantFrom(
      'currency',
      'request_payment_transaction',
      'amount',
      'request_customer_token',
      'scopes',
      'step_up_config',
      'customer_interaction_config',
      'supplementary_purchase_data',
      'line_items',
      'total_amount',
      'payment_request_id',
    ),
    weight: 2,
  },
  { arbitrary: nastyString, weight: 1 },
);

/** Arbitrary JSON-ish values: objects may hold `__proto__` as an own key, numbers may be out of range. */
export const fuzzValue = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    nastyNumber,
    hugeNumberText.map(rawNumber),
    nastyString,
    fc.array(tie('value'), { maxLength: 5 }),
    // Object.fromEntries defines own properties, `__proto__` included.
    fc.array(fc.tuple(fuzzKey, tie('value')), { maxLength: 6 }).map((entries) => Object.fromEntries(entries)),
  ),
})).value;
