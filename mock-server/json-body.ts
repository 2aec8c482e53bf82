import type { FastifyBodyParser } from 'fastify';
import { catalogue, type KlarnaHttpError } from './error-catalogue.js';
import { toKlarnaError } from './error-handler.js';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth.js';
import { parameterPath } from './parameter-path.js';

/** Fastify's own JSON parser (prototype poisoning refused), which every text that might need it goes through. */
type JsonParser = FastifyBodyParser<string>;

/**
 * Parses a JSON request body the way the Fastify parser would (same answers for malformed, poisoned or too deep
 * bodies), for the authorize route, which receives its body as text and parses it only when a replay did not answer
 * it first. Plain JSON.parse takes the texts that cannot carry a `__proto__` or `constructor` key, even escaped;
 * the rest go through `secure`.
 */
export function parseJsonBody(text: string, secure: JsonParser, bodyLimit: number): unknown {
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
    throw catalogue.validation([{ parameter: 'body', reason: `nested deeper than ${MAX_JSON_DEPTH} levels` }]);
  }
  if (!text.includes('__proto__') && !text.includes('constructor') && !text.includes('\\u')) {
    try {
      return JSON.parse(text);
    } catch {
      // Malformed: Fastify's parser words the error.
    }
  }
  let parsed: unknown;
  let failure: unknown;
  // Fastify's parser answers synchronously.
  (secure as (request: unknown, body: string, done: (error: unknown, value?: unknown) => void) => void)(
    undefined,
    text,
    (error, value) => {
      failure = error;
      parsed = value;
    },
  );
  if (failure) throw forbiddenKey(text) ?? toKlarnaError(failure, bodyLimit);
  return parsed;
}

/**
 * A body the secure parser refused although it is valid JSON: it holds a `__proto__` key, or a `constructor` key
 * whose value has a `prototype` key (secure-json-parse's two rules). Named by its path, as any other refused
 * parameter; undefined when the text is not JSON at all. The walk is bounded: bodies are depth-checked first.
 */
export function forbiddenKey(text: string): KlarnaHttpError | undefined {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch {
    return undefined;
  }
  const pending: { value: unknown; path: PropertyKey[] }[] = [{ value: root, path: [] }];
  for (let next = pending.shift(); next !== undefined; next = pending.shift()) {
    const { value, path } = next;
    if (typeof value !== 'object' || value === null) continue;
    for (const [key, child] of Object.entries(value)) {
      const at = [...path, Array.isArray(value) ? Number(key) : key];
      if (key === '__proto__') return refused(at, 'a key named __proto__ is refused');
      if (key === 'constructor' && typeof child === 'object' && child !== null && Object.hasOwn(child, 'prototype')) {
        return refused(at, 'a key named constructor holding prototype is refused');
      }
      pending.push({ value: child, path: at });
    }
  }
  return undefined;
}

const refused = (path: PropertyKey[], reason: string) =>
  catalogue.validation([{ parameter: parameterPath(path), reason }]);
