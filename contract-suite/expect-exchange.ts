import type { z } from 'zod';
import { AuthorizeResponse, dotPath, KlarnaError } from '../contracts/index.js';
import { schemaViolations } from '../contracts/schema-violations.js';
import { encodeReceived, type Violation, valueAt, violation } from '../contracts/violation.js';
import type { Exchange } from './provider-client.js';

// Small checks that return violations instead of throwing, so one interaction reports everything that is wrong.

export const isSuccess = (exchange: Exchange) => exchange.status >= 200 && exchange.status < 300;
export const isClientError = (exchange: Exchange) => exchange.status >= 400 && exchange.status < 500;

/** A wrong status, with the error code when the body names one: that is what tells a user why. */
export function statusViolation(exchange: Exchange, expected: string): Violation {
  const code = (exchange.json as { error_code?: unknown } | undefined)?.error_code;
  const received =
    typeof code === 'string' ? `${exchange.status} (error_code ${JSON.stringify(code)})` : exchange.status;
  return { path: 'status', expected, received: String(received) };
}

export function expectStatus(exchange: Exchange, expected: number): Violation[] {
  return exchange.status === expected ? [] : [statusViolation(exchange, String(expected))];
}

/**
 * The body against the contract its status calls for: `success` (AuthorizeResponse unless said otherwise) for a
 * 2xx, KlarnaError otherwise. The schemas are loose objects, so fields Klarna adds later pass.
 */
export function expectContractBody(exchange: Exchange, success: z.ZodType = AuthorizeResponse): Violation[] {
  if (exchange.json === undefined) {
    return [{ path: '(body)', expected: 'a JSON body', received: encodeReceived(exchange.text) }];
  }
  return schemaViolations(isSuccess(exchange) ? success : KlarnaError, exchange.json);
}

export function expectEqual(exchange: Exchange, path: PropertyKey[], expected: unknown): Violation[] {
  const actual = valueAt(exchange.json, path);
  return actual === expected ? [] : [violation(dotPath(path), JSON.stringify(expected), actual)];
}

export function expectPresent(exchange: Exchange, path: PropertyKey[], expected: string): Violation[] {
  return valueAt(exchange.json, path) === undefined ? [violation(dotPath(path), expected, undefined)] : [];
}

export function expectAbsent(exchange: Exchange, path: PropertyKey[]): Violation[] {
  const actual = valueAt(exchange.json, path);
  return actual === undefined ? [] : [violation(dotPath(path), '(absent)', actual)];
}

export function expectHeader(exchange: Exchange, name: string, pattern: RegExp, expected: string): Violation[] {
  const value = exchange.headers[name.toLowerCase()];
  return value !== undefined && pattern.test(value) ? [] : [violation(`headers.${name}`, expected, value)];
}

/** The first place where two JSON values differ, as a violation of "the replay equals the first answer". */
export function firstDifference(first: unknown, second: unknown, path: PropertyKey[] = []): Violation | undefined {
  if (Object.is(first, second)) return undefined;
  const bothObjects = typeof first === 'object' && first !== null && typeof second === 'object' && second !== null;
  if (!bothObjects || Array.isArray(first) !== Array.isArray(second)) {
    return violation(dotPath(path), encodeReceived(first), second);
  }
  const a = first as Record<string, unknown>;
  const b = second as Record<string, unknown>;
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const index = Array.isArray(first) ? Number(key) : key;
    const difference = firstDifference(a[key], b[key], [...path, index]);
    if (difference) return difference;
  }
  return undefined;
}
