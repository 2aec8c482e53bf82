import secureJsonParse from 'secure-json-parse';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../../contracts/json-depth.js';
import { catalogue, type KlarnaHttpError } from '../core/error-catalogue.js';
import { parameterPath } from '../core/parameter-path.js';

/**
 * Parses a JSON request body, throwing catalogue errors: too deep (checked first, so nothing later can exhaust the
 * stack), not JSON, or carrying a `__proto__` key or a `constructor` key holding `prototype`, which secure-json-parse
 * refuses (after a native pre-check, so most bodies cost one JSON.parse). A refused key is named by its path, as any
 * other refused parameter.
 */
export function parseJson(text: string): unknown {
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
    throw catalogue.validation([{ parameter: 'body', reason: `nested deeper than ${MAX_JSON_DEPTH} levels` }]);
  }
  try {
    return secureJsonParse(text, null, { protoAction: 'error', constructorAction: 'error' });
  } catch {
    throw refusedKey(text) ?? catalogue.invalidJson();
  }
}

/**
 * Where secure-json-parse found the key it refused, looked for in its own order (breadth first; in each object
 * `__proto__` before `constructor`). Undefined when the text is not JSON at all. Bounded: the depth was checked.
 */
function refusedKey(text: string): KlarnaHttpError | undefined {
  let root: unknown;
  try {
    root = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    return undefined;
  }
  let level: { value: object; path: PropertyKey[] }[] =
    typeof root === 'object' && root !== null ? [{ value: root, path: [] }] : [];
  while (level.length > 0) {
    const next: typeof level = [];
    for (const { value, path } of level) {
      const at = (key: string) => [...path, Array.isArray(value) ? Number(key) : key];
      if (Object.hasOwn(value, '__proto__')) return refused(at('__proto__'), 'a key named __proto__ is refused');
      const held: unknown = Object.hasOwn(value, 'constructor')
        ? (value as { constructor: unknown }).constructor
        : undefined;
      if (typeof held === 'object' && held !== null && Object.hasOwn(held, 'prototype')) {
        return refused(at('constructor'), 'a key named constructor holding prototype is refused');
      }
      for (const [key, child] of Object.entries(value)) {
        if (typeof child === 'object' && child !== null) next.push({ value: child, path: at(key) });
      }
    }
    level = next;
  }
  return undefined;
}

const refused = (path: PropertyKey[], reason: string) =>
  catalogue.validation([{ parameter: parameterPath(path), reason }]);
