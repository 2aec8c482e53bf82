import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { catalogue, type KlarnaHttpError } from '../core/error-catalogue.js';
import { parameterPath } from '../core/parameter-path.js';

/**
 * The Klarna error for what the zod compilers of the checked routes (checked-scope.ts) throw: a request part that
 * breaks its schema is the VALIDATION_ERROR the hand-checked routes answer, one entry per issue named by its path; a
 * response that breaks its schema is a simulator bug, a 500 naming the paths. Anything else: undefined.
 */
export function klarnaErrorOfCompilers(error: unknown): KlarnaHttpError | undefined {
  if (hasZodFastifySchemaValidationErrors(error)) {
    return catalogue.validation(
      error.validation.map((issue) => ({
        parameter: parameterPath(segments(issue.instancePath)),
        reason: issue.message ?? 'is invalid',
      })),
    );
  }
  if (error instanceof Error && (error as { code?: unknown }).code === 'FST_ERR_RESPONSE_SERIALIZATION') {
    // Its cause is the ZodError of the response.
    const issues = (error.cause as { issues?: { path: PropertyKey[] }[] } | undefined)?.issues ?? [];
    const paths = issues.map((issue) => parameterPath(issue.path)).join(', ');
    return catalogue.internal(`response broke its contract at ${paths}`);
  }
  return undefined;
}

/**
 * The compiler hands the zod path over as `/a/0/b`; array indexes come back as numbers so that they print as
 * `a[0].b`, as on the hand-checked routes.
 */
function segments(instancePath: string): (string | number)[] {
  return instancePath
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
}
