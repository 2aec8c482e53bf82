import { z } from 'zod';
import { parameterPath } from './parameter-path.js';

/**
 * Paths of fields the schema does not know (simulator-decisions §5): accepted, but reported so that a typo like
 * `paymnet_transaction_reference` is caught. Walks the value beside the schema; it never throws.
 */
export function unknownFields(
  schema: z.ZodType,
  value: unknown,
  path: PropertyKey[] = [],
  out: string[] = [],
): string[] {
  const inner = unwrap(schema);
  if (inner instanceof z.ZodObject) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return out;
    const shape = inner.shape as Record<string, z.ZodType>;
    for (const key of Object.keys(value)) {
      const child = Object.hasOwn(shape, key) ? shape[key] : undefined;
      if (child === undefined) out.push(parameterPath([...path, key]));
      else unknownFields(child, (value as Record<string, unknown>)[key], [...path, key], out);
    }
  } else if (inner instanceof z.ZodArray && Array.isArray(value)) {
    value.forEach((item, i) => {
      unknownFields(inner.element as z.ZodType, item, [...path, i], out);
    });
  }
  return out;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  while (current instanceof z.ZodOptional || current instanceof z.ZodNullable || current instanceof z.ZodDefault) {
    current = current.unwrap() as z.ZodType;
  }
  return current;
}
