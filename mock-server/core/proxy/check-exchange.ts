import type { z } from 'zod';
import { HeaderNames } from '../../../contracts/index.js';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../../../contracts/json-depth.js';
import { schemaViolations } from '../../../contracts/schema-violations.js';
import { encodeReceived, type Violation } from '../../../contracts/violation.js';
import { unknownFields } from '../unknown-fields.js';
import { type ProxyOperation, responseSchema } from './proxy-operations.js';

/** What the contracts say about one side of an exchange. */
export interface SideCheck {
  violations: Violation[];
  /** Fields the contract does not know, by path. */
  unknownFields: string[];
  /** The body as parsed, for the journal (undefined: none, or not JSON). */
  body: unknown;
}

type Parsed = { ok: true; value: unknown } | { ok: false; violation: Violation };

/** JSON text → value; empty text is "no body" (null). Text too deep to walk safely is refused like the simulator does. */
function parse(text: string | undefined): Parsed {
  if (text === undefined || text === '') return { ok: true, value: null };
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
    return {
      ok: false,
      violation: {
        path: '(root)',
        expected: `JSON nested at most ${MAX_JSON_DEPTH} levels`,
        received: encodeReceived(text),
      },
    };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, violation: { path: '(root)', expected: 'a JSON body', received: encodeReceived(text) } };
  }
}

function checkBody(schema: z.ZodType, text: string | undefined): SideCheck {
  const parsed = parse(text);
  if (!parsed.ok) return { violations: [parsed.violation], unknownFields: [], body: undefined };
  // No body at all is null where none is documented (204), and "(missing)" where one is.
  const empty = text === undefined || text === '';
  const value = empty && !isNull(schema) ? undefined : parsed.value;
  return { violations: schemaViolations(schema, value), unknownFields: unknownFields(schema, value), body: value };
}

const isNull = (schema: z.ZodType) => schema.type === 'null';

/** The partner's request: headers and body against the operation's contracts. */
export function checkRequest(
  operation: ProxyOperation,
  headers: Record<string, unknown>,
  bodyText: string | undefined,
): SideCheck {
  const headerViolations = schemaViolations(operation.headers, headers).map((v) => ({
    ...v,
    path: HeaderNames[v.path as keyof typeof HeaderNames] ?? v.path,
  }));
  if (operation.body === undefined) return { violations: headerViolations, unknownFields: [], body: undefined };
  const body = checkBody(operation.body, bodyText);
  return { ...body, violations: [...headerViolations, ...body.violations] };
}

/** The upstream's answer: its body against the schema of its status (see responseSchema). */
export function checkResponse(operation: ProxyOperation, status: number, bodyText: string | undefined): SideCheck {
  return checkBody(responseSchema(operation, status), bodyText);
}
