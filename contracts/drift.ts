import { z } from 'zod';
import { lazily } from './lazily.js';

// What the validating proxy (`klarna-mock proxy`) noticed about an upstream's answers: where they leave the
// contracts the simulator answers by. Served at GET /__mock/drift and printed when the proxy stops.

const Examples = lazily(() =>
  z.array(z.string()).describe('Journal ids (Klarna-Correlation-Id) of a few exchanges that showed it'),
);

export const DriftUnknownField = lazily(() =>
  z.object({
    operation: z.string(),
    status: z.int(),
    path: z.string().describe('Where in the response body, array indices written []'),
    count: z.int(),
    examples: Examples,
  }),
);

export const DriftViolation = lazily(() =>
  z.object({
    operation: z.string(),
    status: z.int(),
    path: z.string(),
    expected: z.string(),
    count: z.int(),
    examples: z.array(z.object({ request_id: z.string(), received: z.string() })),
  }),
);

export const DriftStatus = lazily(() =>
  z.object({
    operation: z.string(),
    status: z.int(),
    documented: z.array(z.int()),
    count: z.int(),
    examples: Examples,
  }),
);

export const DriftReport = lazily(() =>
  z.object({
    upstream: z.string(),
    /** Answers checked (every forwarded request of a documented operation that got one). */
    checked: z.int(),
    /** Requests to a /v2 path the contracts do not describe: forwarded, not checked. */
    unchecked: z.int(),
    /** Requests the upstream did not answer (timeout, connection refused or reset). */
    upstream_failures: z.int(),
    unknown_fields: z.array(DriftUnknownField),
    violations: z.array(DriftViolation),
    undocumented_statuses: z.array(DriftStatus),
    /** Kinds of drift seen but not kept: the report stops growing at its entry and byte bounds. */
    dropped: z.int(),
  }),
);
export type DriftReport = z.infer<typeof DriftReport>;
