import { z } from 'zod';
import { Currency, TransactionResult } from './common.js';
import { lazily } from './lazily.js';

// Scenarios are simulator-only: they choose an outcome Klarna's test environment cannot produce on demand.

/** Klarna errors a scenario can answer with (reference §4.2); the status follows from the code. */
export const ScenarioError = lazily(() =>
  z.enum([
    'VALIDATION_ERROR',
    'UNAUTHORIZED',
    'OPERATION_FORBIDDEN',
    'RESOURCE_NOT_FOUND',
    'RESOURCE_CONFLICT',
    'RATE_LIMITED',
    'INTERNAL_ERROR',
    'TIMEOUT',
    'TEMPORARY_UNAVAILABLE',
  ]),
);
export type ScenarioError = z.infer<typeof ScenarioError>;

/**
 * Network faults. `hang` holds the request until the client gives up (at most the server's hang bound, then the
 * connection is closed); `reset` and `empty_reply` drop the connection before processing; `response_lost`
 * processes and records the authorization, then drops the connection without answering.
 */
export const ScenarioFault = lazily(() => z.enum(['hang', 'reset', 'empty_reply', 'response_lost']));
export type ScenarioFault = z.infer<typeof ScenarioFault>;

const range = (bound: z.ZodInt) =>
  z.strictObject({ min: bound, max: bound }).refine((r) => r.min <= r.max, 'min must not exceed max');
const Range = lazily(() => range(z.int().min(0)));

/**
 * The longest a scenario may hold an answer, plain or as a range: ten minutes is past any client's timeout, and
 * setTimeout cannot wait 2^31 ms or more (it fires after ~1 ms instead).
 */
export const MAX_SCENARIO_DELAY_MS = 600_000;
const Delay = lazily(() => z.int().min(0).max(MAX_SCENARIO_DELAY_MS));

/**
 * The operation a scenario answers: authorize (the default), or one of the payment transaction's writes, by Klarna's
 * operation name without its suffix (captures and transactions are both refunded by `refund`).
 */
export const ScenarioOperation = lazily(() =>
  z.enum(['authorize', 'capture', 'refund', 'void', 'reauthorize', 'update']),
);
export type ScenarioOperation = z.infer<typeof ScenarioOperation>;

export const ScenarioMatch = lazily(() =>
  z.strictObject({
    // Bounded, so a scenario cannot hold megabytes: an account or a reference prefix longer than the request's own
    // bound (255) could never match; no e-mail address comes near 1024 characters.
    account: z.string().min(1).max(255).optional(),
    amount: z.union([z.int(), Range.unwrap()]).optional().describe('An exact amount, or {min, max} inclusive'),
    currency: Currency.optional(),
    email_contains: z
      .string()
      .min(1)
      .max(1024)
      .optional()
      .describe('Substring of supplementary_purchase_data.customer.email'),
    reference_prefix: z.string().min(1).max(255).optional().describe('Prefix of payment_transaction_reference'),
    session_token: z
      .boolean()
      .optional()
      .describe('true: only final authorizations (a session token the simulator issued); false: every other request'),
    customer_token: z.boolean().optional(),
    nth: z.int().min(1).optional().describe('Only the nth request (per account) that meets the other conditions'),
    operation: ScenarioOperation.optional().describe('The operation it answers; default authorize'),
  }),
);
export type ScenarioMatch = z.infer<typeof ScenarioMatch>;

export const ScenarioName = lazily(() =>
  z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,99}$/, 'lower-case letters, digits, ".", "_" and "-"; at most 100 characters'),
);

export const Scenario = lazily(() =>
  z
    .strictObject({
      name: ScenarioName,
      description: z.string().max(500).optional(),
      match: ScenarioMatch.optional(),
      result: TransactionResult.optional(),
      result_reason: z.string().min(1).max(255).optional(),
      error: ScenarioError.optional(),
      retry_after_seconds: z.int().min(0).max(86_400).optional().describe('Retry-After of a RATE_LIMITED error'),
      fault: ScenarioFault.optional(),
      delay_ms: z
        .union([Delay.unwrap(), range(Delay.unwrap())])
        .optional()
        .describe('Wait before answering'),
      times: z.int().min(1).optional().describe('Answer this many matching requests, then step aside'),
      probability: z.number().min(0).max(1).optional().describe('Chance of applying, from a seeded generator'),
    })
    .superRefine((s, ctx) => {
      const effects = [s.result, s.error, s.fault].filter((v) => v !== undefined).length;
      if (effects > 1) ctx.addIssue({ code: 'custom', message: 'choose at most one of result, error and fault' });
      if (effects === 0 && s.delay_ms === undefined) {
        ctx.addIssue({ code: 'custom', message: 'a scenario needs one of result, error, fault or delay_ms' });
      }
      if (s.result === 'STEP_UP_REQUIRED' && s.match?.session_token === true) {
        ctx.addIssue({
          code: 'custom',
          path: ['match', 'session_token'],
          message: 'a final authorization never steps up: this scenario could never apply',
        });
      }
      const conflict = operationConflict(s);
      if (conflict !== undefined) ctx.addIssue({ code: 'custom', path: ['match', 'operation'], message: conflict });
      if (s.result_reason !== undefined && s.result !== 'DECLINED') {
        ctx.addIssue({ code: 'custom', path: ['result_reason'], message: 'result_reason goes with result DECLINED' });
      }
      if (s.retry_after_seconds !== undefined && s.error !== 'RATE_LIMITED') {
        ctx.addIssue({
          code: 'custom',
          path: ['retry_after_seconds'],
          message: 'retry_after_seconds goes with RATE_LIMITED',
        });
      }
    }),
);
export type Scenario = z.infer<typeof Scenario>;

/**
 * Why a scenario cannot apply to its `match.operation`, if it cannot: a result is authorize's (but a capture can be
 * DECLINED), and `response_lost` needs an answer recorded first.
 */
export function operationConflict(
  s: Pick<Scenario, 'result' | 'fault'> & { match?: { operation?: ScenarioOperation } },
): string | undefined {
  const operation = s.match?.operation;
  if (operation === undefined || operation === 'authorize') return undefined;
  if (s.result !== undefined && !(s.result === 'DECLINED' && operation === 'capture')) {
    return `result ${s.result} applies to authorize only (a capture can be DECLINED)`;
  }
  if (s.fault === 'response_lost') return 'fault response_lost applies to authorize only';
  return undefined;
}

/** A file in the fixtures directory: a list of scenarios. Those with `match` are rules; all are named. */
export const ScenarioFile = lazily(() =>
  z.strictObject({
    $schema: z.string().optional(),
    scenarios: z.array(Scenario).min(1),
  }),
);
export type ScenarioFile = z.infer<typeof ScenarioFile>;

/** POST /__mock/scenarios: arm a scenario, given whole or by name, for one account or for all. */
export const ArmScenarioRequest = lazily(() =>
  z
    .strictObject({
      account: z.string().min(1).max(255).optional().describe('Partner account id; absent arms it for every account'),
      name: ScenarioName.optional().describe('A built-in or fixture scenario'),
      scenario: Scenario.optional().describe('A scenario given in full'),
      times: z
        .int()
        .min(1)
        .optional()
        .describe('How many requests it answers; default: the scenario’s own times, else 1'),
      match: ScenarioMatch.optional().describe(
        'Conditions laid over the scenario’s own, e.g. {operation: "capture"} to arm a built-in for captures',
      ),
    })
    .refine((r) => (r.name === undefined) !== (r.scenario === undefined), 'give either name or scenario')
    .describe('Give either `name` or `scenario`, not both'),
);
export type ArmScenarioRequest = z.infer<typeof ArmScenarioRequest>;

export const ArmedScenario = lazily(() =>
  z.object({
    id: z.string(),
    account: z.string().nullable(),
    remaining: z.int().nullable(),
    scenario: z.looseObject({ name: ScenarioName }),
  }),
);
export type ArmedScenario = z.infer<typeof ArmedScenario>;

export const ScenarioList = lazily(() =>
  z.object({
    armed: z.array(ArmedScenario),
    /** Armed in all (for the account asked about, or every one), of which `armed` is a page. */
    total: z.int().optional(),
    /** More armed scenarios than this page: page on with `offset`. */
    truncated: z.boolean().optional(),
    available: z.array(
      z.object({ name: z.string(), source: z.enum(['built-in', 'fixture']), description: z.string() }),
    ),
  }),
);
