import type { z } from 'zod';
import { dotPath } from '../contracts/index.js';
import { type Violation, valueAt, violation } from './violation.js';

// zod's issues say "expected number" for an int and lose the format of a string; the schema at the issue's path
// knows better, so the report describes that schema ("number (int)", "string (ISO 8601 date-time)").

/** The parts of zod 4's schema definitions read here; the rest of `def` is left alone. */
interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  entries?: Record<string, string | number>;
  values?: unknown[];
  checks?: { _zod: { def: { format?: string; pattern?: RegExp } } }[];
}

const defOf = (schema: z.ZodType) => schema.def as unknown as Def;
const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional']);

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (let def = defOf(current); ; def = defOf(current)) {
    if (WRAPPERS.has(def.type) && def.innerType) current = def.innerType;
    else if (def.type === 'pipe' && def.in) current = def.in;
    else return current;
  }
}

/** The schema that checks the value at `path`, or undefined where the path crosses a union or leaves the schema. */
export function schemaAt(root: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  let current: z.ZodType | undefined = unwrap(root);
  for (const key of path) {
    const def: Def = defOf(current);
    if (def.type === 'object') current = def.shape?.[String(key)] ?? def.catchall;
    else if (def.type === 'array') current = def.element;
    else return undefined;
    if (current === undefined) return undefined;
    current = unwrap(current);
  }
  return current;
}

/** A short human description of what a schema accepts. */
export function describeSchema(schema: z.ZodType): string {
  const inner = unwrap(schema);
  const def = defOf(inner);
  const format = (inner as { format?: string | null }).format ?? undefined;
  switch (def.type) {
    case 'number':
      return (inner as { isInt?: boolean }).isInt || format?.includes('int') ? 'number (int)' : 'number';
    case 'string': {
      if (format === 'datetime') return 'string (ISO 8601 date-time)';
      if (format === 'url') return 'string (URL)';
      const pattern = def.checks?.find((c) => c._zod.def.pattern)?._zod.def.pattern;
      if (format === 'regex' && pattern) return `string matching ${pattern}`;
      return format ? `string (${format})` : 'string';
    }
    case 'enum':
      return oneOf(Object.values(def.entries ?? {}));
    case 'literal':
      return oneOf(def.values ?? []);
    case 'union':
      return (def.options ?? []).map(describeSchema).join(' or ');
    default:
      return def.type;
  }
}

const oneOf = (values: readonly unknown[]) =>
  values.length === 1 ? JSON.stringify(values[0]) : `one of ${values.map((v) => JSON.stringify(v)).join(' | ')}`;

/** Parses `value` with `schema` and turns every zod issue into a Violation with its path, expected and received. */
export function schemaViolations(schema: z.ZodType, value: unknown): Violation[] {
  const result = schema.safeParse(value);
  if (result.success) return [];
  return result.error.issues.map((issue) =>
    violation(dotPath(issue.path), expectedOf(issue, schema), valueAt(value, issue.path)),
  );
}

function expectedOf(issue: z.core.$ZodIssue, root: z.ZodType): string {
  const atPath = schemaAt(root, issue.path);
  const described = atPath ? describeSchema(atPath) : undefined;
  // Messages zod writes itself start with "Invalid", "Too" or "Expected"; the others come from the contract.
  const reason = /^(Invalid|Too|Expected)/.test(issue.message) ? '' : ` (${issue.message})`;
  switch (issue.code) {
    case 'invalid_type':
      return described ?? issue.expected;
    case 'invalid_value':
      return oneOf(issue.values);
    case 'invalid_format':
      return `${described ?? `string (${issue.format})`}${reason}`;
    case 'too_small':
      return `${issue.origin} ${bound(issue.origin, issue.inclusive ? '>=' : '>', issue.minimum)}${reason}`;
    case 'too_big':
      return `${issue.origin} ${bound(issue.origin, issue.inclusive ? '<=' : '<', issue.maximum)}${reason}`;
    case 'invalid_union':
      return described ?? issue.message;
    default:
      return issue.message;
  }
}

function bound(origin: string, operator: string, limit: number | bigint): string {
  if (origin === 'string') return `of length ${operator} ${limit}`;
  if (origin === 'array' || origin === 'set') return `with ${operator} ${limit} items`;
  return `${operator} ${limit}`;
}
