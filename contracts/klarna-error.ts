import { z } from 'zod';
import { lazily } from './lazily.js';

// https://docs.klarna.com/klarna-network-distribution/setup-your-integration/integration-resilience/error-handling/
// Lengths from Klarna's generated v2 models (reference §4.1).

export const ErrorType = lazily(() => z.enum(['ACCESS_ERROR', 'TECHNICAL_ERROR', 'RESOURCE_ERROR', 'INPUT_ERROR']));
export type ErrorType = z.infer<typeof ErrorType>;

export const ValidationError = lazily(() =>
  z.looseObject({
    parameter: z.string().max(256),
    reason: z.union([z.string().max(512), z.array(z.string().max(512))]),
    doc_url: z.string().max(2048).optional(),
  }),
);
export type ValidationError = z.infer<typeof ValidationError>;

export const KlarnaError = lazily(() =>
  z.looseObject({
    error_id: z.string().min(1),
    // Route-level NOT_FOUND errors from Klarna's gateway may lack a type, so it stays optional here.
    error_type: ErrorType.optional(),
    error_code: z.string().min(1).max(64),
    error_message: z.string().max(2048).optional(),
    doc_url: z.string().max(2048).optional(),
    validation_errors: z.array(ValidationError).optional(),
    // The older Network error page shows `errors` instead of `validation_errors`; tolerate both.
    errors: z.array(z.looseObject({})).optional(),
  }),
);
export type KlarnaError = z.infer<typeof KlarnaError>;
