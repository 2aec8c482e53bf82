import { z } from 'zod';
import { lazily } from './lazily.js';

// What the simulator noticed about a client's requests (docs/simulator-choices.md#journal-findings; issue "client verification").

export const FindingCode = lazily(() =>
  z.enum([
    // errors: the request breaks the contract and Klarna would refuse it
    'VALIDATION_ERROR',
    'INVALID_CONTENT_TYPE',
    'UNAUTHORIZED',
    'OPERATION_FORBIDDEN',
    'RESOURCE_NOT_FOUND',
    'RESOURCE_CONFLICT',
    'PAYLOAD_TOO_LARGE',
    'HEADERS_TOO_LARGE',
    'REQUEST_TIMEOUT',
    'RATE_LIMITED',
    'NOT_FOUND',
    'BAD_REQUEST',
    // warnings: accepted, but likely a bug or a missed recommendation
    'unknown_field',
    'missing_supplementary_purchase_data',
    'missing_line_items',
    'missing_idempotency_key',
    'idempotency_key_not_uuid',
    'retry_with_new_key',
    'amount_differs_from_step_up',
  ]),
);
export type FindingCode = z.infer<typeof FindingCode>;

export const Finding = lazily(() =>
  z.object({
    severity: z.enum(['error', 'warning']),
    code: FindingCode,
    parameter: z.string().optional(),
    message: z.string(),
  }),
);
export type Finding = z.infer<typeof Finding>;

export const JournalEntry = lazily(() =>
  z.object({
    id: z.string().describe('The Klarna-Correlation-Id of the answer'),
    time: z.string(),
    account: z.string(),
    method: z.string(),
    path: z.string(),
    headers: z.record(z.string(), z.unknown()).describe('Authorization and tokens redacted'),
    body: z.unknown(),
    status: z.int().optional(),
    fault: z.string().optional(),
    result: z.string().optional(),
    scenario: z.string().optional(),
    replayed: z.boolean(),
    duration_ms: z
      .number()
      .min(0)
      .optional()
      .describe(
        'Arrival to answer (or fault), in ms; `time` is when the answer went, so arrival is time - duration_ms',
      ),
    findings: z.array(Finding),
  }),
);
export type JournalEntry = z.infer<typeof JournalEntry>;

export const RequestList = lazily(() =>
  z.object({
    requests: z.array(JournalEntry),
    /** Requests kept for the account (or all accounts), of which this page shows some. */
    total: z.int().optional(),
    /** Older requests than these exist (page on with `offset`), or the page stopped at its 1 MB of body text. */
    truncated: z.boolean().optional(),
  }),
);

/** The accounts the journal keeps requests of, the most recently seen first (the request inspector's picker). */
export const JournalAccounts = lazily(() => z.object({ accounts: z.array(z.string()) }));

export const FindingSummary = lazily(() =>
  z.object({
    severity: z.enum(['error', 'warning']),
    code: FindingCode,
    count: z.int(),
    examples: z.array(z.object({ request_id: z.string(), parameter: z.string().optional(), message: z.string() })),
  }),
);

export const ClientReport = lazily(() =>
  z.object({
    account: z.string().nullable(),
    requests: z.int(),
    errors: z.int(),
    warnings: z.int(),
    findings: z.array(FindingSummary),
  }),
);
export type ClientReport = z.infer<typeof ClientReport>;
