import { truncate } from '../contracts/violation.js';
import { detectSimulator, type ProviderKind } from './detect-simulator.js';
import { loadPaymentRequestSamples, loadSamples, SAMPLES_DIR } from './documented-requests.js';
import type { Interaction, InteractionResult, SuiteContext } from './interaction.js';
import { paymentRequestInteractions, simulatorPaymentRequestInteractions } from './payment-request-interactions.js';
import { portableInteractions } from './portable-interactions.js';
import { DEFAULT_TIMEOUT_MS, NoAnswerError, send } from './provider-client.js';
import { simulatorInteractions } from './simulator-interactions.js';
import { captureRefundRead, expiryOnTheClock, unknownTransaction } from './transaction-lifecycle-interactions.js';

export interface SuiteOptions {
  /** The provider's origin (and path prefix, if any), without a trailing slash. */
  baseUrl: string;
  account: string;
  apiKey: string;
  /** `detect` asks GET /__mock/health; `force` runs the simulator-only part whatever it answers. */
  simulator?: 'detect' | 'force';
  timeoutMs?: number;
  samplesDir?: string;
}

export interface SuiteResult {
  baseUrl: string;
  account: string;
  provider: ProviderKind;
  /** Whether the simulator-only part ran (detected or forced). */
  simulatorPart: boolean;
  interactions: InteractionResult[];
}

/** The suite could not run at all: nothing answered, or the samples could not be read. Exit code 2. */
export class CouldNotRunError extends Error {
  constructor(
    message: string,
    /** Nothing answered at the base URL (rather than a problem on this side). */
    readonly unreachable = false,
  ) {
    super(message);
  }
}

/** Runs every interaction in order, one request at a time, and collects the violations of each. */
export async function runContractSuite(options: SuiteOptions): Promise<SuiteResult> {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let samples: SuiteContext['samples'];
  let paymentRequestSamples: SuiteContext['paymentRequestSamples'];
  try {
    samples = loadSamples(options.samplesDir ?? SAMPLES_DIR);
    paymentRequestSamples = loadPaymentRequestSamples(options.samplesDir ?? SAMPLES_DIR);
  } catch (error) {
    throw new CouldNotRunError(`could not read the documented requests: ${(error as Error).message}`);
  }
  let provider: ProviderKind;
  try {
    provider = await detectSimulator(baseUrl, timeoutMs);
  } catch (error) {
    if (!(error instanceof NoAnswerError)) throw error;
    throw new CouldNotRunError(`could not reach ${baseUrl}: ${error.message}`, true);
  }
  const simulatorPart = options.simulator === 'force' || provider.simulator;
  const ctx: SuiteContext = {
    baseUrl,
    account: options.account,
    apiKey: options.apiKey,
    samples,
    paymentRequestSamples,
    send: (request) => send(request, timeoutMs),
  };

  const interactions: InteractionResult[] = [];
  for (const interaction of suiteInteractions(samples, paymentRequestSamples)) {
    const runs = interaction.part === 'portable' || simulatorPart;
    interactions.push(runs ? await runOne(interaction, ctx) : skipped(interaction));
  }
  return { baseUrl, account: options.account, provider, simulatorPart, interactions };
}

/** Every interaction of the suite, in the order it runs them: the portable part first, then the simulator's. */
export function suiteInteractions(
  samples: SuiteContext['samples'],
  paymentRequestSamples: SuiteContext['paymentRequestSamples'],
): Interaction[] {
  return [
    ...portableInteractions(samples),
    ...paymentRequestInteractions(paymentRequestSamples),
    unknownTransaction,
    ...simulatorInteractions(samples),
    ...simulatorPaymentRequestInteractions(paymentRequestSamples),
    captureRefundRead,
    // Last: it moves the account clock (and sets it back).
    expiryOnTheClock,
  ];
}

async function runOne(interaction: Interaction, ctx: SuiteContext): Promise<InteractionResult> {
  const started = performance.now();
  let violations: InteractionResult['violations'];
  try {
    violations = await interaction.run(ctx);
  } catch (error) {
    // Whatever else goes wrong stays with this check, so every other check still runs and the reports get written.
    violations =
      error instanceof NoAnswerError
        ? [{ path: '(response)', expected: 'an HTTP answer', received: error.message }]
        : [{ path: '(check)', expected: 'a check that completes', received: truncate(String(error)) }];
  }
  return {
    name: interaction.name,
    part: interaction.part,
    outcome: violations.length === 0 ? 'passed' : 'failed',
    violations,
    durationMs: performance.now() - started,
  };
}

function skipped(interaction: Interaction): InteractionResult {
  return { name: interaction.name, part: interaction.part, outcome: 'skipped', violations: [], durationMs: 0 };
}
