import { z } from 'zod';
import { dotPath } from './index.js';
import { type Violation, valueAt, violation } from './violation.js';

// zod's issues say "expected number" for an int and lose the format of a string; the schema at the issue's path
// knows better, so the report describes that schema ("number (int)", "string (ISO 8601 date-time)").

/** Schemas that wrap another one without changing what the value at their path looks like. */
const WRAPPERS = [
  z.ZodOptional,
  z.ZodNullable,
  z.ZodDefault,
  z.ZodPrefault,
  z.ZodReadonly,
  z.ZodCatch,
  z.ZodNonOptional,
  // Contracts' schemas built on first use (lazily.ts).
  z.ZodLazy,
];
type Wrapper = InstanceType<(typeof WRAPPERS)[number]>;

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    if (WRAPPERS.some((wrapper) => current instanceof wrapper)) current = (current as Wrapper).unwrap() as z.ZodType;
    else if (current instanceof z.ZodPipe) current = current.in as z.ZodType;
    else return current;
  }
}

/** The schema that checks the value at `path`, or undefined where the path crosses a union or leaves the schema. */
export function schemaAt(root: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  let current: z.ZodType | undefined = unwrap(root);
  for (const key of path) {
    if (current instanceof z.ZodObject)
      current = current.shape[String(key)] ?? (current.def.catchall as z.ZodType | undefined);
    else if (current instanceof z.ZodArray) current = current.element as z.ZodType;
    else return undefined;
    if (current === undefined) return undefined;
    current = unwrap(current);
  }
  return current;
}

/** A short human description of what a schema accepts. */
export function describeSchema(schema: z.ZodType): string {
  const inner = unwrap(schema);
  if (inner instanceof z.ZodNumber) return inner.format?.includes('int') ? 'number (int)' : 'number';
  if (inner instanceof z.ZodString || inner instanceof z.ZodStringFormat) {
    const format = inner.format ?? undefined;
    if (format === 'datetime') return 'string (ISO 8601 date-time)';
    if (format === 'url') return 'string (URL)';
    // zod keeps a string's pattern to itself; its JSON Schema says it.
    const pattern = format === 'regex' ? z.toJSONSchema(inner, { io: 'input' }).pattern : undefined;
    if (pattern !== undefined) return `string matching /${pattern}/`;
    return format ? `string (${format})` : 'string';
  }
  if (inner instanceof z.ZodEnum) return oneOf(inner.options);
  if (inner instanceof z.ZodLiteral) return oneOf([...inner.values]);
  if (inner instanceof z.ZodUnion)
    return inner.options.map((option) => describeSchema(option as z.ZodType)).join(' or ');
  return inner.type;
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
