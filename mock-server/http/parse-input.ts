import type { z } from 'zod';
import { catalogue } from '../core/error-catalogue.js';
import { violationsOf } from '../core/parameter-path.js';

/** Parses input with its schema; every violation becomes the same Klarna VALIDATION_ERROR the API answers. */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw catalogue.validation(violationsOf(result.error));
}
