import fc from 'fast-check';
import { DEFAULT_CURRENCIES } from '../../mock-server/core/config.js';
import {
  fuzzKey,
  fuzzValue,
  hugeNumberText,
  isRecord,
  nastyNumber,
  nastyString,
  rawNumber,
  SCENARIO_AMOUNTS,
  toJsonText,
} from './json-arbitraries.js';

/** A value of the wrong type, put into otherwise valid requests. */
const wrong = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  nastyNumber,
  hugeNumberText.map(rawNumber),
  nastyString,
  fc.constant([]),
  fc.constant({}),
  fuzzValue,
);

const text = (min: number, max: number) => fc.string({ minLength: min, maxLength: max });
const reference = text(1, 40);
const amount = fc
  .oneof(fc.integer({ min: 1, max: 20_000 }), fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.constantFrom(9901, 9902))
  .filter((n) => !SCENARIO_AMOUNTS.has(n));
const scopes = fc.uniqueArray(fc.constantFrom('payment:customer_present', 'payment:customer_not_present'), {
  minLength: 1,
});
const email = fc.oneof(fc.emailAddress(), fc.constantFrom('a+denied@example.com', 'b+require_signup@example.com'));
const address = fc.record({
  street_address: text(1, 30),
  postal_code: text(0, 10),
  city: text(1, 20),
  country: fc.constantFrom('US', 'SE', 'DE'),
});
const lineItem = fc.record(
  {
    name: text(1, 30),
    quantity: fc.integer({ min: 1, max: 10 }),
    total_amount: fc.integer({ min: -5_000, max: 20_000 }),
    unit_price: fc.integer({ min: 0, max: 20_000 }),
    total_tax_amount: fc.integer({ min: 0, max: 5_000 }),
    product_url: fc.webUrl(),
    line_item_reference: reference,
  },
  { requiredKeys: ['name', 'quantity', 'total_amount'] },
);

/** A valid request of the documented shape (contracts/authorize-request.ts); line items add up to the amount. */
export const documentedRequest = fc
  .record(
    {
      currency: fc.constantFrom(...DEFAULT_CURRENCIES),
      payment_request_id: fc.constant('krn:payment:eu1:request:1'),
      request_payment_transaction: fc.record(
        {
          amount,
          payment_transaction_reference: fc.oneof(reference, fc.constant('decline-me-1')),
          payment_option_id: text(1, 20),
          capture: fc.constantFrom('NOW', 'LATER'),
        },
        { requiredKeys: ['amount'] },
      ),
      request_customer_token: fc.record({ scopes, customer_token_reference: reference }, { requiredKeys: ['scopes'] }),
      step_up_config: fc.record(
        {
          payment_request_reference: reference,
          customer_interaction_config: fc.record({
            method: fc.constantFrom('HANDOVER', 'SDK'),
            return_url: fc.webUrl(),
            app_return_url: text(1, 20),
          }),
        },
        { requiredKeys: ['customer_interaction_config'] },
      ),
      supplementary_purchase_data: fc.record({
        purchase_reference: reference,
        line_items: fc.array(lineItem, { maxLength: 4 }),
        customer: fc.record({ given_name: fc.string(), email, address }),
      }),
    },
    { requiredKeys: ['currency', 'request_payment_transaction'] },
  )
  .map((generated) => {
    const body = structuredClone(generated);
    const items = body.supplementary_purchase_data?.line_items;
    if (items !== undefined && items.length > 0) {
      const sum = items.reduce((total, item) => total + item.total_amount, 0);
      if (sum >= 1 && !SCENARIO_AMOUNTS.has(sum)) body.request_payment_transaction.amount = sum;
      else Reflect.deleteProperty(body.supplementary_purchase_data ?? {}, 'line_items');
    }
    return body;
  });

/** Every place in a value where a mutation can land: the parent and the key (or index). */
export function places(value: unknown, out: Array<[Record<string, unknown>, string]> = []) {
  if (isRecord(value)) {
    for (const key of Object.keys(value)) {
      out.push([value as Record<string, unknown>, key]);
      places((value as Record<string, unknown>)[key], out);
    }
  }
  return out;
}

/** A mutation at a place (an index into `places`): set to a wrong value, deleted, or an unknown key added. */
export const mutationOf = (wrong: fc.Arbitrary<unknown>) =>
  fc.oneof(
    fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: wrong }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('add' as const), at: fc.nat(), key: fuzzKey, value: wrong }),
  );

const mutation = mutationOf(wrong);

/**
 * Valid documented requests with none to three mutations: a field set to a value of the wrong type, a field
 * dropped, or an unknown (possibly `__proto__`) key added. Unmutated ones get through validation and exercise
 * scenario selection, the decision, idempotency and the response check.
 */
export const mutatedRequest = fc
  .tuple(documentedRequest, fc.array(mutation, { maxLength: 3 }))
  .map(([generated, mutations]) => {
    // Generated values must stay untouched (fast-check shrinks from them): mutate a deep copy, insert copies.
    const copy = (value: unknown): unknown => JSON.parse(JSON.stringify(value) ?? 'null');
    const body = copy(generated) as Record<string, unknown>;
    for (const m of mutations) {
      const targets = places(body);
      const [parent, key] = targets[m.at % targets.length] ?? [body, 'currency'];
      if (m.kind === 'set') parent[key] = copy(m.value);
      else if (m.kind === 'delete') delete parent[key];
      else {
        const child = parent[key];
        // Into an object only: an array's own keys (its `length`) cannot be redefined.
        const into = isRecord(child) && !Array.isArray(child) ? child : Array.isArray(parent) ? body : parent;
        Object.defineProperty(into, m.key, {
          value: copy(m.value),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
    }
    return toJsonText(body);
  });
