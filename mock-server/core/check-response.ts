import type { z } from 'zod';
import { catalogue } from './error-catalogue.js';
import { parameterPath } from './parameter-path.js';

/**
 * Serializes a body only if it satisfies its contract: a simulator answer that breaks the schema partners test
 * against is a bug, so it becomes a 500 naming the paths, and tests fail on it.
 */
export function serializeChecked(
  schema: z.ZodType,
  body: unknown,
  compiledCheck?: (value: unknown) => boolean,
): string {
  // A compiled check (contracts/generated) that passes is zod's verdict too; when it fails, zod names what broke.
  if (compiledCheck?.(body) === true) return JSON.stringify(body);
  const result = schema.safeParse(body);
  if (!result.success) {
    const paths = result.error.issues.map((issue) => parameterPath(issue.path)).join(', ');
    throw catalogue.internal(`response broke its contract at ${paths}`);
  }
  return JSON.stringify(body);
}
