import type { PaymentRequestSample, SampleRequest } from '../contracts/index.js';
import type { Violation } from '../contracts/violation.js';
import type { Exchange, ProviderRequest } from './provider-client.js';

/**
 * `portable`: needs nothing but the behaviour Klarna documents, so it holds against Klarna's test environment too.
 * `simulator`: drives outcomes with `Mock-Scenario` and checks the simulator's own choices.
 */
export type Part = 'portable' | 'simulator';

export interface SuiteContext {
  baseUrl: string;
  account: string;
  apiKey: string;
  samples: Readonly<Record<string, SampleRequest>>;
  /** createPaymentRequest and updatePaymentRequest calls (fixtures/samples/payment-requests/). */
  paymentRequestSamples: Readonly<Record<string, PaymentRequestSample>>;
  send: (request: ProviderRequest) => Promise<Exchange>;
}

/** One documented request (or a short sequence of them) and the checks on what comes back. */
export interface Interaction {
  name: string;
  part: Part;
  /** Every violation found; an empty list means the interaction passed. */
  run: (ctx: SuiteContext) => Promise<Violation[]>;
}

export interface InteractionResult {
  name: string;
  part: Part;
  outcome: 'passed' | 'failed' | 'skipped';
  violations: Violation[];
  durationMs: number;
}
