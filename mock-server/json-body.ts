import type { FastifyBodyParser } from 'fastify';
import { catalogue } from './error-catalogue.js';
import { toKlarnaError } from './error-handler.js';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth.js';

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
  if (failure) throw toKlarnaError(failure, bodyLimit);
  return parsed;
}
