import { z } from 'zod';
import { AuthorizeHeaders, AuthorizeRequest } from './authorize-request.js';
import { TransactionResult } from './common.js';

/** A documented request kept in fixtures/samples/: what Klarna's page sends, and what the simulator answers. */
export const SampleRequest = z.strictObject({
  description: z.string().min(1),
  /** The docs.klarna.com page the request comes from. */
  source: z.url(),
  headers: AuthorizeHeaders,
  body: AuthorizeRequest,
  /** The result of the default decision (docs/simulator-choices.md#default-decision). */
  expected_result: TransactionResult,
});
export type SampleRequest = z.infer<typeof SampleRequest>;
