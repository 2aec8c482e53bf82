import { startMock } from '../mock-server/index.js';
import { type CertifyCase, caseAccount, casesForSeed } from './cases.js';
import { attemptOf, judge, type RuleVerdict } from './rules.js';
import { CouldNotRunError, type SimulatorAdmin, simulatorAdmin } from './simulator-admin.js';

export { CouldNotRunError };

/** What the partner's client is given for one case: it makes one purchase with these. */
export interface ClientContext {
  baseUrl: string;
  accountId: string;
  apiKey: string;
  /** Aborted when the case runs past caseTimeoutMs. */
  signal: AbortSignal;
}

/** The partner's client: one purchase. What it resolves to is not judged; a throw is noted, not failed. */
export type CertifyClient = (context: ClientContext) => Promise<unknown>;

export interface CertifyOptions {
  client: CertifyClient;
  /** Chooses the order of the cases (default 'klarna-mock'); also the seed of a simulator certify starts. */
  seed?: string;
  /** A running simulator; by default certify starts its own on a free port. */
  baseUrl?: string;
  /** Admin token of a running simulator (env KLARNA_MOCK_ADMIN_TOKEN for the CLI). */
  adminToken?: string;
  /** How long a hang holds the connection in a simulator certify starts (hangMaxMs). Default 2000. */
  hangMs?: number;
  /** A client run still going after this long is abandoned (its signal aborted). Default 60000. */
  caseTimeoutMs?: number;
  /** The least gap between a failed attempt and its retry, for backoff. Default 100. */
  minGapMs?: number;
  apiKey?: string;
  /** Called as each case is judged, e.g. to print progress. */
  onCase?: (result: CaseResult) => void;
}

export interface CaseResult {
  /** 1-based position in the seeded order; the account is CERT<n>. */
  n: number;
  case: CertifyCase;
  account: string;
  attempts: number;
  verdicts: RuleVerdict[];
  /** How the client's run ended, in words: `exit 0`, `threw: …`, `abandoned after 60000 ms`. */
  client: string;
  durationMs: number;
}

export interface CertifyResult {
  seed: string;
  baseUrl: string;
  /** Whether certify started the simulator or was given one. */
  simulator: 'started' | 'given';
  cases: CaseResult[];
  /** Every rule of every case passed. */
  passed: boolean;
}

export const DEFAULT_SEED = 'klarna-mock';
export const DEFAULT_API_KEY = 'klarna_test_api_certify';

/**
 * Drives the client through every case, in the seed's order, each on a fresh account with its fault armed once,
 * and judges each from the account's journal. Throws CouldNotRunError when the simulator cannot be used.
 */
export async function certify(options: CertifyOptions): Promise<CertifyResult> {
  const seed = options.seed ?? DEFAULT_SEED;
  const started =
    options.baseUrl === undefined
      ? await startMock({ config: { seed, hangMaxMs: options.hangMs ?? 2000 } })
      : undefined;
  const baseUrl = (options.baseUrl ?? started?.url ?? '').replace(/\/+$/, '');
  try {
    const admin = simulatorAdmin(baseUrl, options.adminToken);
    await admin.health();
    const cases: CaseResult[] = [];
    for (const [index, spec] of casesForSeed(seed).entries()) {
      const result = await runCase(admin, baseUrl, index + 1, spec, options);
      cases.push(result);
      options.onCase?.(result);
    }
    const passed = cases.every((c) => c.verdicts.every((v) => v.passed));
    return { seed, baseUrl, simulator: started ? 'started' : 'given', cases, passed };
  } finally {
    await started?.close();
  }
}

async function runCase(
  admin: SimulatorAdmin,
  baseUrl: string,
  n: number,
  spec: CertifyCase,
  options: CertifyOptions,
): Promise<CaseResult> {
  const account = caseAccount(n);
  await admin.reset(account);
  await admin.arm(account, spec.scenario);
  const begun = performance.now();
  const client = await runClient(options, { baseUrl, accountId: account, apiKey: options.apiKey ?? DEFAULT_API_KEY });
  const entries = await settledJournal(admin, account);
  const attempts = entries.map(attemptOf);
  const verdicts = judge(spec.rules, attempts, {
    retryAfterSeconds: spec.retryAfterSeconds,
    minGapMs: options.minGapMs,
  });
  return { n, case: spec, account, attempts: attempts.length, verdicts, client, durationMs: performance.now() - begun };
}

async function runClient(options: CertifyOptions, context: Omit<ClientContext, 'signal'>): Promise<string> {
  const timeoutMs = options.caseTimeoutMs ?? 60_000;
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const abandoned = new Promise<string>((resolve) => {
    timer = setTimeout(() => {
      abort.abort(new Error(`abandoned after ${timeoutMs} ms`));
      resolve(`abandoned after ${timeoutMs} ms`);
    }, timeoutMs);
  });
  const run = options.client({ ...context, signal: abort.signal }).then(
    (value) => (typeof value === 'string' ? value : 'returned'),
    (error: unknown) => {
      if (error instanceof CouldNotRunError) throw error;
      return `threw: ${(error as Error)?.message ?? String(error)}`;
    },
  );
  try {
    return await Promise.race([run, abandoned]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The journal once it stops growing: a request cut off by the client (a hang it gave up on) is recorded when the
 * simulator sees the connection close, which may come just after the client's process has gone.
 */
async function settledJournal(admin: SimulatorAdmin, account: string) {
  let entries = await admin.authorizeRequests(account);
  for (let round = 0; round < 10; round++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const again = await admin.authorizeRequests(account);
    if (again.length === entries.length) return again;
    entries = again;
  }
  return entries;
}
