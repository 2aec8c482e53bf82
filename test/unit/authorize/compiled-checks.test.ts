import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import stringify from 'safe-stable-stringify';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { ACCOUNT, AUTHORIZE_BODY, HEADERS } from '../../../bench/request.js';
import {
  closedBodyCheck,
  closedFieldChecks,
  copyCheckedBody,
  headersCheck,
  klarnaErrorCheck,
  paramsCheck,
  partnerAccountKrnCheck,
} from '../../../contracts/generated/authorize-checks.js';
import {
  AuthorizeHeaders,
  AuthorizeParams,
  AuthorizeRequest,
  KlarnaError,
  PartnerAccountKrn,
} from '../../../contracts/index.js';
import { canonicalAuthorizeBody, canonicalAuthorizeParts } from '../../../mock-server/core/authorize/canonical-body.js';
import {
  bodyViolations,
  type ValidatedAuthorize,
  validateAuthorize,
  validateAuthorizeWithZod,
} from '../../../mock-server/core/authorize/validate-authorize.js';
import { DEFAULT_CURRENCIES } from '../../../mock-server/core/config.js';
import { violationsOf } from '../../../mock-server/core/parameter-path.js';
import { unknownFields } from '../../../mock-server/core/unknown-fields.js';
import { authorizeChecksSource, CHECKS_FILE, COMPILE_COMMAND } from '../../../scripts/compile-validators.js';
import { extraHeaders } from '../../fuzz/header-arbitraries.js';
import { hugeNumberText, nastyNumber, nastyString, rawNumber, toJsonText } from '../../fuzz/json-arbitraries.js';
import { mutationOf, places } from '../../fuzz/request-arbitraries.js';

// The checks compiled from the contracts (contracts/generated/authorize-checks.ts) against zod, on bodies generated
// from the contract's JSON Schema (every field), valid and mutated: the compiled verdict is zod's, except that the
// closed body check also refuses what zod would change (unknown fields it passes through and warns of, URLs it trims),
// which then takes zod's path. And validateAuthorize answers as its zod-only form does.

const RUNS = Number(process.env.FUZZ_RUNS ?? 400);

describe('the generated checks', () => {
  it('are up to date', () => {
    if (readFileSync(CHECKS_FILE, 'utf8') !== authorizeChecksSource()) {
      expect.fail(`${CHECKS_FILE} is stale: run \`${COMPILE_COMMAND}\` and commit the result`);
    }
  });
});

type Schema = {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  enum?: string[];
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
};

/** URLs zod accepts, refuses, or accepts after trimming; for return_url, http and https only. */
const url = fc.oneof(
  fc.webUrl(),
  fc.constantFrom(
    'https://shop.example/back?order=1',
    'http://localhost:3000/return',
    'mailto:someone@shop.example',
    'myapp://return',
    'ftp://shop.example/back',
    'javascript:alert(1)',
    'http:shop.example',
    'https:/shop.example',
    'HTTPS://SHOP.EXAMPLE',
    'not a url',
    'https://[::1',
    '',
    ' https://shop.example/back ',
    'https://shop.\nexample/back',
    'https://shop.example/\tback',
  ),
);

/** Values that conform to a JSON Schema (objects' keys sometimes in reverse order, as clients send them). */
function conforming(schema: Schema): fc.Arbitrary<unknown> {
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map(conforming));
  if (schema.enum) return fc.constantFrom(...schema.enum);
  switch (schema.type) {
    case 'object': {
      const properties = Object.entries(schema.properties ?? {}).map(([key, child]) => [key, conforming(child)]);
      const shape: Record<string, fc.Arbitrary<unknown>> = Object.fromEntries(properties);
      const record = fc.record(shape, { requiredKeys: schema.required ?? [] });
      return fc
        .tuple(record, fc.boolean())
        .map(([value, reverse]) => (reverse ? Object.fromEntries(Object.entries(value).reverse()) : value));
    }
    case 'array': {
      const minLength = schema.minItems ?? 0;
      return fc.array(conforming(schema.items ?? {}), { minLength, maxLength: Math.max(minLength, 2) });
    }
    case 'integer': {
      const min = schema.minimum ?? Number.MIN_SAFE_INTEGER;
      const max = schema.maximum ?? Number.MAX_SAFE_INTEGER;
      return fc.oneof(
        fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 31) }),
        fc.constantFrom(min, max),
      );
    }
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'string': {
      if (schema.format === 'uri') return url;
      if (schema.pattern !== undefined) return fc.stringMatching(new RegExp(schema.pattern));
      const minLength = schema.minLength ?? 0;
      const maxLength = schema.maxLength ?? 20;
      return fc.oneof(
        { arbitrary: fc.string({ minLength, maxLength: Math.min(maxLength, minLength + 12) }), weight: 5 },
        { arbitrary: fc.constantFrom('x'.repeat(minLength), 'x'.repeat(maxLength)), weight: 1 },
      );
    }
    default:
      return fc.constant({});
  }
}

const jsonSchemaOf = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-7' }) as Schema;

/**
 * Values of a wrong type, out of range, not integers, too long, or of a bad enum, pattern, date or URL (and some
 * right ones).
 */
const WRONG: unknown[] = [
  ...[null, true, false, 0, -0, -1, 1, 1.5, 2 ** 31 - 1, 2 ** 31, -(2 ** 31 - 1), -(2 ** 31), 2 ** 53, -(2 ** 53)],
  ...[[], [1], ['x'], [null], {}, { x: 1 }, [{}]],
  ...['', 'x', 'usd', 'USD', 'US', 'krn:', 'x:krn', 'NOW', 'LATER', 'TO_DOOR', 'DAY', 'now', 'HANDOVER', 'ACTIVE'],
  ...['SIGNATURE_REQUIRED', 'payment:customer_present', 'payment:unknown'],
  ...['2024-02-29', '2023-02-29', '2024-13-01', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00', '2024-01-01T25:00:00Z'],
  ...['2024-01-01T00:00:00.5+01:00', '2024-01-01 00:00:00Z'],
  ...['https://shop.example/back', ' https://shop.example/back', 'https://shop.\nexample', 'ftp://shop.example'],
  ...['http:shop.example', 'mailto:a@shop.example', 'not a url', 'https://[::1'],
  ...[1, 64, 65, 255, 256, 8192, 8193, 262144, 262145].map((n) => 'x'.repeat(n)),
];

const fulls = new Map<Schema, unknown>();

/** A value with every field of the schema, valid (made once per schema: shared, not to be changed). */
function full(schema: Schema): unknown {
  if (!fulls.has(schema)) fulls.set(schema, fullOf(schema));
  return fulls.get(schema);
}

function fullOf(schema: Schema): unknown {
  if (schema.anyOf) return full(schema.anyOf[0] as Schema);
  if (schema.enum) return schema.enum[0];
  switch (schema.type) {
    case 'object':
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([key, child]) => [key, full(child)]));
    case 'array':
      return [full(schema.items ?? {})];
    case 'integer':
      return Math.min(Math.max(1, schema.minimum ?? 1), schema.maximum ?? 1);
    case 'number':
      return 1.5;
    case 'boolean':
      return true;
    case 'string':
      if (schema.format === 'uri') return 'https://shop.example/back';
      if (schema.pattern !== undefined) {
        return fc.sample(fc.stringMatching(new RegExp(schema.pattern)), { seed: 1, numRuns: 1 })[0];
      }
      return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
    default:
      return {};
  }
}

/** The paths to every field of a schema (an array's items at index 0). */
function fieldPaths(schema: Schema, prefix: string[] = []): string[][] {
  if (schema.type === 'array') return fieldPaths(schema.items ?? {}, [...prefix, '0']);
  return Object.entries(schema.properties ?? {}).flatMap(([key, child]): string[][] => [
    [...prefix, key],
    ...fieldPaths(child, [...prefix, key]),
  ]);
}

function schemaAt(schema: Schema, path: string[]): Schema {
  return path.reduce<Schema>((at, key) => (at.type === 'array' ? at.items : at.properties?.[key]) ?? {}, schema);
}

/** A body with the field at `path` set to `value` (left out when undefined), and only the fields required around it. */
function withField(schema: Schema, path: string[], value: unknown): unknown {
  const [key, ...rest] = path;
  if (key === undefined) return value;
  if (schema.type === 'array') return [withField(schema.items ?? {}, rest, value)];
  const out: Record<string, unknown> = {};
  for (const [name, child] of Object.entries(schema.properties ?? {})) {
    if (name === key) {
      const inner = withField(child, rest, value);
      if (inner !== undefined) out[name] = inner;
    } else if (schema.required?.includes(name)) out[name] = withField(child, [], full(child));
  }
  return out;
}

/** A value of a wrong type, out of range, too long, or of a bad enum, pattern, date or URL. */
const wrong = fc.oneof(
  fc.constantFrom(...WRONG),
  fc.integer({ min: 1, max: 300 }).map((n) => 'x'.repeat(n)),
  url,
  nastyNumber,
  nastyString,
  hugeNumberText.map(rawNumber),
);

const mutation = mutationOf(wrong);

/** Conforming values with none to three mutations, as JSON.parse makes them of the text (`__proto__` an own key). */
function mutated(schema: Schema): fc.Arbitrary<unknown> {
  return fc.tuple(conforming(schema), fc.array(mutation, { maxLength: 3 })).map(([generated, mutations]) => {
    const copy = (value: unknown): unknown => JSON.parse(JSON.stringify(value) ?? 'null');
    const root = { value: copy(generated) } as Record<string, unknown>;
    for (const m of mutations) {
      const [parent, key] = places(root)[m.at % places(root).length] ?? [root, 'value'];
      if (m.kind === 'set') parent[key] = copy(m.value);
      else if (m.kind === 'delete' && parent !== root) delete parent[key];
      else if (m.kind === 'add') {
        const child = parent[key];
        const into = typeof child === 'object' && child !== null && !Array.isArray(child) ? child : parent;
        if (!Array.isArray(into)) {
          Object.defineProperty(into, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
        }
      }
    }
    return JSON.parse(toJsonText(root.value));
  });
}

const bodies = fc.oneof(mutated(jsonSchemaOf(AuthorizeRequest)), fc.constant(structuredClone(AUTHORIZE_BODY)));

const headerValue = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom(undefined, '', 'x', 'Basic a2V5', ['a', 'b'], 1),
  fc.constantFrom(255, 256, 8192, 8193).map((n) => 'x'.repeat(n)),
);
const HEADER_NAMES = Object.keys(AuthorizeHeaders.unwrap().shape);
const headers = fc
  .tuple(
    fc.record(Object.fromEntries(HEADER_NAMES.map((name) => [name, headerValue])), { requiredKeys: [] }),
    extraHeaders,
  )
  .map(([known, extra]) => ({ ...extra, ...known }));

const account = fc.oneof(
  fc.stringMatching(new RegExp(jsonSchemaOf(PartnerAccountKrn).pattern ?? '')),
  fc.string({ maxLength: 30 }),
  fc.constantFrom('', 'x'.repeat(255), 'x'.repeat(256), 'krn:partner:global:account:test:M48JWZF8'),
);
const params = fc.oneof(
  account.map((id) => ({ partner_account_id: id })),
  fc.constantFrom({}, { partner_account_id: 1 }, null, { partner_account_id: 'a', extra: 1 }),
);

const settings = fc.record({
  currencies: fc.constantFrom<string[]>(['USD'], ['EUR'], [...DEFAULT_CURRENCIES]),
  lineItemSumCheck: fc.boolean(),
  accountIds: fc.constantFrom('krn' as const, 'any' as const),
});

/** zod accepts the body, knows all its fields and returns it unchanged (key order aside): what closedBodyCheck passes. */
function zodReturnsAsSent(body: unknown): boolean {
  const parsed = AuthorizeRequest.safeParse(body);
  if (!parsed.success || unknownFields(AuthorizeRequest, body).length > 0) return false;
  return stringify(parsed.data) === stringify(body);
}

describe('the compiled checks and zod', () => {
  it('agree on headers', () => {
    fc.assert(
      fc.property(headers, (value) => {
        expect(headersCheck(value)).toBe(AuthorizeHeaders.safeParse(value).success);
      }),
      { numRuns: RUNS },
    );
    expect(headersCheck(HEADERS)).toBe(true);
  });

  it('agree on error bodies', () => {
    let passed = 0;
    let refused = 0;
    const errorBodies = fc.oneof(
      mutated(jsonSchemaOf(KlarnaError)),
      fc.constant({
        error_id: 'x',
        error_code: 'VALIDATION_ERROR',
        validation_errors: [{ parameter: 'a', reason: ['b'] }],
      }),
    );
    fc.assert(
      fc.property(errorBodies, (body) => {
        const zodPasses = KlarnaError.safeParse(body).success;
        if (zodPasses) passed++;
        else refused++;
        expect(klarnaErrorCheck(body)).toBe(zodPasses);
      }),
      { numRuns: RUNS * 2 },
    );
    expect(passed).toBeGreaterThan(RUNS / 10);
    expect(refused).toBeGreaterThan(RUNS / 10);
  });

  it('agree on path parameters and partner account krns', () => {
    fc.assert(
      fc.property(params, account, (value, id) => {
        expect(paramsCheck(value)).toBe(AuthorizeParams.safeParse(value).success);
        expect(partnerAccountKrnCheck(id)).toBe(PartnerAccountKrn.safeParse(id).success);
      }),
      { numRuns: RUNS },
    );
  });

  it('agree on bodies without unknown fields that zod returns as sent, and the copy is what zod returns', () => {
    let passed = 0;
    fc.assert(
      fc.property(bodies, (body) => {
        const asSent = zodReturnsAsSent(body);
        expect(closedBodyCheck(body)).toBe(asSent);
        if (asSent) {
          passed++;
          // The same keys in the same order, in new objects.
          expect(JSON.stringify(copyCheckedBody(body))).toBe(JSON.stringify(AuthorizeRequest.parse(body)));
          expect(copyCheckedBody(body)).not.toBe(body);
        }
      }),
      { numRuns: RUNS * 2 },
    );
    // The generator reaches the compiled path, not only zod's.
    expect(passed).toBeGreaterThan(RUNS / 10);
  });

  it('agree on every field set to each wrong value, or left out', () => {
    const schema = jsonSchemaOf(AuthorizeRequest);
    const values = [...WRONG, JSON.parse('1e400'), JSON.parse('-1e400'), undefined];
    const paths = fieldPaths(schema);
    expect(closedBodyCheck(full(schema))).toBe(true);
    let refused = 0;
    for (const path of paths) {
      expect(closedBodyCheck(withField(schema, path, full(schemaAt(schema, path)))), path.join('.')).toBe(true);
      for (const value of values) {
        const body = withField(schema, path, value);
        const at = `${stringify(value)} at ${path.join('.')}`;
        expect(closedBodyCheck(body), at).toBe(zodReturnsAsSent(body));
        const violations = zodViolations(body);
        expect(bodyViolations(body), at).toEqual(violations);
        if (violations.length > 0) refused++;
      }
    }
    expect(paths.length).toBeGreaterThan(200);
    expect(refused).toBeGreaterThan(paths.length);
  });

  it('check each top-level field as zod does, in the schema order, however the body holds it', () => {
    expect([...closedFieldChecks.keys()]).toEqual(Object.keys(AuthorizeRequest.unwrap().shape));
    const shape: Record<string, z.ZodType> = AuthorizeRequest.unwrap().shape;
    fc.assert(
      fc.property(bodies, (body) => {
        if (typeof body !== 'object' || body === null) return;
        for (const [key, value] of Object.entries(body)) {
          const check = closedFieldChecks.get(key);
          // A field its check passes is one zod passes too.
          if (check?.(value) === true) expect(shape[key]?.safeParse(value).success, key).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
    // A field zod reads that \`for in\` does not list: a getter, or a field defined not enumerable.
    class WithGetter {
      get currency() {
        return 'usd';
      }
    }
    const hidden = structuredClone(AUTHORIZE_BODY) as Record<string, unknown>;
    Object.defineProperty(hidden, 'request_payment_transaction', { value: { amount: 1.5 }, enumerable: false });
    for (const body of [new WithGetter(), hidden]) {
      expect(AuthorizeRequest.safeParse(body).success).toBe(false);
      expect(closedBodyCheck(body)).toBe(false);
      expect(bodyViolations(body)).toEqual(zodViolations(body));
      expect(bodyViolations(body)).not.toEqual([]);
    }
  });

  it('refuse what zod would change or warn of', () => {
    const body = structuredClone(AUTHORIZE_BODY);
    expect(closedBodyCheck(body)).toBe(true);
    const item = body.supplementary_purchase_data.line_items[0] as Record<string, unknown>;
    for (const [key, value] of [
      ['product_url', ' https://example.com/shoes'],
      ['product_url', 'https://example.com/sh\noes'],
      ['colour', 'red'],
    ]) {
      const changed = structuredClone(body);
      (changed.supplementary_purchase_data.line_items[0] as Record<string, unknown>)[key as string] = value;
      expect(AuthorizeRequest.safeParse(changed).success).toBe(true);
      expect(closedBodyCheck(changed)).toBe(false);
    }
    expect(item.product_url).toBe('https://example.com/products/running-shoes');
  });
});

/** What a caller sees of a validation: the headers and body as zod returns them (key order included), or the error. */
function answerOf(result: ValidatedAuthorize) {
  if (!result.ok) {
    const { statusCode, errorType, errorCode, message, validationErrors } = result.error;
    return { statusCode, errorType, errorCode, message, validationErrors };
  }
  return { headers: { ...result.headers }, body: JSON.stringify(result.body), warnings: result.warnings };
}

/** Mostly the valid one, so that many requests pass every check. */
const likely = <T, V>(arbitrary: fc.Arbitrary<T>, valid: V) =>
  fc.oneof({ arbitrary: fc.constant(valid), weight: 2 }, { arbitrary, weight: 1 });

/** The body's violations as a parse of the whole body by zod words them. */
function zodViolations(body: unknown) {
  const parsed = AuthorizeRequest.safeParse(body);
  return parsed.success ? [] : violationsOf(parsed.error);
}

describe('bodyViolations', () => {
  it('are what zod finds parsing the whole body, in its words and order', () => {
    let refused = 0;
    fc.assert(
      fc.property(bodies, (body) => {
        const violations = zodViolations(body);
        if (violations.length > 0) refused++;
        expect(bodyViolations(body)).toEqual(violations);
      }),
      { numRuns: RUNS * 2 },
    );
    expect(refused).toBeGreaterThan(RUNS / 10);
  });

  it("are zod's for a body that is no object, misses its currency, or breaks several fields at once", () => {
    for (const body of [null, [], [{}], 'x', 1, true, {}, { currency: 1 }, JSON.parse('{"__proto__":{"x":1}}')]) {
      expect(bodyViolations(body), stringify(body)).toEqual(zodViolations(body));
    }
    const broken = {
      ...structuredClone(AUTHORIZE_BODY),
      currency: 'usd',
      request_payment_transaction: { amount: 1.5 },
      point_of_checkout: { store_id: '' },
    };
    expect(bodyViolations(broken).map((v) => v.parameter)).toEqual([
      'currency',
      'request_payment_transaction.amount',
      'point_of_checkout.store_id',
    ]);
    expect(bodyViolations(broken)).toEqual(zodViolations(broken));
    expect(bodyViolations(structuredClone(AUTHORIZE_BODY))).toEqual([]);
  });

  it('run zod on the refused field only, not on the body nor on the fields their checks pass', () => {
    const shape = AuthorizeRequest.unwrap().shape;
    const runs = [AuthorizeRequest, shape.supplementary_purchase_data, shape.request_payment_transaction].map(
      (schema) => vi.spyOn(schema._zod, 'run'),
    );
    try {
      const body = structuredClone(AUTHORIZE_BODY);
      body.request_payment_transaction.amount = 118.5;
      expect(bodyViolations(body)).toEqual([
        { parameter: 'request_payment_transaction.amount', reason: 'Invalid input: expected int, received number' },
      ]);
      expect(runs.map((run) => run.mock.calls.length)).toEqual([0, 0, 1]);
    } finally {
      for (const run of runs) run.mockRestore();
    }
  });
});

describe('validateAuthorize', () => {
  it('answers as zod alone does, valid or not', () => {
    let accepted = 0;
    fc.assert(
      fc.property(
        likely(params, { partner_account_id: ACCOUNT }),
        likely(headers, HEADERS),
        bodies,
        settings,
        (p, h, b, s) => {
          const answer = validateAuthorize(p, h, b, s);
          if (answer.ok) accepted++;
          expect(answerOf(answer)).toEqual(answerOf(validateAuthorizeWithZod(p, h, b, s)));
        },
      ),
      { numRuns: RUNS },
    );
    expect(accepted).toBeGreaterThan(RUNS / 20);
  });
});

/** `value` with the keys of every object in another order, the order `seed` picks. */
function reordered(value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((item) => reordered(item, seed));
  if (typeof value !== 'object' || value === null) return value;
  const rank = (key: string) => {
    let h = seed;
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619) >>> 0;
    return h;
  };
  const keys = Object.keys(value).sort((a, b) => rank(a) - rank(b));
  return Object.fromEntries(keys.map((key) => [key, reordered((value as Record<string, unknown>)[key], seed)]));
}

describe('the body as the fingerprint reads it (canonicalAuthorizeBody)', () => {
  it('is one text for every key order, keeps every field and value, and takes the checked copy as it is', () => {
    let closed = 0;
    let open = 0;
    fc.assert(
      fc.property(bodies, fc.integer(), (generated, seed) => {
        // As the route has it: parsed from JSON text.
        const body: unknown = JSON.parse(JSON.stringify(generated));
        const text = canonicalAuthorizeBody(body);
        expect(canonicalAuthorizeBody(reordered(body, seed))).toBe(text);
        // Nothing lost: another body (another field or value) is another text.
        expect(JSON.parse(text)).toEqual(body);
        if (closedBodyCheck(body)) {
          closed++;
          expect(canonicalAuthorizeBody(body, copyCheckedBody(body))).toBe(text);
          // The purchase data's own text, written on the way, is what a transaction keeps of it.
          const data = copyCheckedBody(body).supplementary_purchase_data;
          expect(canonicalAuthorizeParts(body).purchaseDataText).toBe(
            data === undefined ? undefined : JSON.stringify(data),
          );
        } else {
          open++;
          expect(canonicalAuthorizeParts(body).purchaseDataText).toBeUndefined();
        }
      }),
      { numRuns: RUNS },
    );
    // Both forms were written: the checked copy's and the sorted keys'.
    expect(closed).toBeGreaterThan(RUNS / 20);
    expect(open).toBeGreaterThan(RUNS / 20);
  });

  it('writes a body with a field the contract does not know with its keys sorted, at every depth', () => {
    const body = { ...structuredClone(AUTHORIZE_BODY), z_extra: { b: 1, a: [{ d: 2, c: 3 }] } };
    expect(canonicalAuthorizeBody(body)).toBe(stringify(body));
  });
});
