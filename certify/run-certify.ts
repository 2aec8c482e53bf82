import { createHash } from 'node:crypto';
import type { CertificationReport, JournalEntry } from '../contracts/index.js';
import { startMock } from '../mock-server/index.js';
import { type CertifyCase, caseAccount, casesForSeed } from './cases.js';
import { type CaseNotes, type ReportCollector, startReportCollector } from './report-collector.js';
import { attemptOf, judge, type RuleVerdict, type WebhookFacts } from './rules.js';
import { CouldNotRunError, type SimulatorAdmin, simulatorAdmin } from './simulator-admin.js';

export { CouldNotRunError };

/** What the partner's client is given for one case: it makes one purchase with these. */
export interface ClientContext {
  baseUrl: string;
  accountId: string;
  apiKey: string;
  /**
   * Where the client reports back (KLARNA_CERTIFY_REPORT_URL): POST `{ "type": "receiver", "url" }` before the
   * purchase, `{ "type": "effect", "event_id", "state" }` per webhook its receiver applied (before answering the
   * delivery), `{ "type": "done" }` after the purchase (answered once the case's webhooks are delivered).
   */
  reportUrl: string;
  /** The key the case's webhooks are signed with (KLARNA_WEBHOOK_SIGNING_KEY). */
  signingKey: string;
  /** A session token for the purchase (KLARNA_SESSION_TOKEN), in the expired-token case only. */
  sessionToken?: string;
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
  /** Named in the report handed to the simulator's inspector (the CLI gives the command). */
  clientName?: string;
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
  /** Whether the simulator took the report for its inspector, and if not why. */
  inspector: 'handed in' | `not handed in: ${string}`;
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
  let collector: ReportCollector | undefined;
  try {
    const admin = simulatorAdmin(baseUrl, options.adminToken);
    await admin.health();
    collector = await startReportCollector();
    const cases: CaseResult[] = [];
    for (const [index, spec] of casesForSeed(seed).entries()) {
      const result = await runCase({ admin, baseUrl, collector, seed }, index + 1, spec, options);
      cases.push(result);
      options.onCase?.(result);
    }
    const passed = cases.every((c) => c.verdicts.every((v) => v.passed));
    const result: Omit<CertifyResult, 'inspector'> = {
      seed,
      baseUrl,
      simulator: started ? 'started' : 'given',
      cases,
      passed,
    };
    return { ...result, inspector: await handIn(admin, result, options.clientName) };
  } finally {
    await collector?.stop();
    await started?.close();
  }
}

/**
 * The report goes to the simulator's request inspector (GET /__mock/certification, shown at /__mock/ui). A
 * simulator certify started closes with the run, and the report with it: name a running one with --base-url to
 * keep it. A simulator that refuses it (an older version, a proxy) does not make the run fail.
 */
async function handIn(
  admin: SimulatorAdmin,
  result: Omit<CertifyResult, 'inspector'>,
  clientName: string | undefined,
): Promise<CertifyResult['inspector']> {
  try {
    await admin.putCertification(certificationReport(result, clientName));
    return 'handed in';
  } catch (error) {
    return `not handed in: ${(error as Error).message.slice(0, 200)}`;
  }
}

/** The result in the shape of contracts' CertificationReport. */
export function certificationReport(
  result: Omit<CertifyResult, 'inspector'>,
  clientName?: string,
): CertificationReport {
  const failed = result.cases.flatMap((c) => c.verdicts.filter((v) => !v.passed));
  const verdicts = result.cases.reduce((sum, c) => sum + c.verdicts.length, 0);
  return {
    seed: result.seed,
    base_url: result.baseUrl,
    simulator: result.simulator,
    ...(clientName !== undefined && { client: clientName.slice(0, 1000) }),
    finished_at: new Date().toISOString(),
    passed: result.passed,
    summary: `${result.cases.length} cases, ${verdicts} verdicts, ${failed.length} failed`,
    cases: result.cases.map((c) => ({
      n: c.n,
      id: c.case.id,
      title: c.case.title,
      account: c.account,
      attempts: c.attempts,
      client: c.client.slice(0, 512),
      duration_ms: Math.round(c.durationMs),
      verdicts: c.verdicts.map((v) => ({ rule: v.rule, passed: v.passed, why: v.why.slice(0, 512) })),
    })),
  };
}

interface Run {
  admin: SimulatorAdmin;
  baseUrl: string;
  collector: ReportCollector;
  seed: string;
}

/** A session token's life (60 minutes) and an authorization's (28 days), each passed by a minute. */
const PAST_TOKEN_TTL_MS = 61 * 60 * 1000;
const PAST_AUTHORIZATION_TTL_MS = 28 * 24 * 3600 * 1000 + 60 * 1000;
/** The amount certify's own step-up authorization approves: the sample clients' purchase. */
export const SESSION_TOKEN_AMOUNT = 2500;

/** The signing key of case n: from the seed, so a rerun signs alike. */
export const signingKeyOf = (seed: string, n: number) =>
  createHash('sha256').update(`certify:${seed}:${n}`).digest('base64url');

async function runCase(run: Run, n: number, spec: CertifyCase, options: CertifyOptions): Promise<CaseResult> {
  const { admin, collector } = run;
  const account = caseAccount(n);
  const apiKey = options.apiKey ?? DEFAULT_API_KEY;
  const signingKey = signingKeyOf(run.seed, n);
  await admin.reset(account);
  if (spec.scenario !== undefined) await admin.arm(account, spec.scenario);
  let sessionToken: string | undefined;
  if (spec.expiredSessionToken) {
    sessionToken = await admin.issueSessionToken(account, apiKey, SESSION_TOKEN_AMOUNT);
    await admin.advanceClock(account, PAST_TOKEN_TTL_MS);
  }
  // certify's own requests (the step-up that issued the token) are not the client's attempts.
  const own = new Set((await admin.authorizeRequests(account)).map((e) => e.id));
  // Moving the clock 28 days ages the client's requests out of the journal (a day): they are read before it moves.
  const seen = new Map<string, JournalEntry>();
  collector.open(n, {
    async receiver(url) {
      if (spec.webhookFault === undefined) return;
      await admin.subscribe(account, url, signingKey);
      await admin.armWebhookFault(account, spec.webhookFault);
    },
    async done() {
      if (spec.webhookFault === undefined) return;
      if (spec.expireAfterPurchase) {
        for (const entry of await admin.authorizeRequests(account)) seen.set(entry.id, entry);
        await admin.advanceClock(account, PAST_AUTHORIZATION_TTL_MS);
      }
      await deliveriesSettled(admin, account);
    },
  });
  const begun = performance.now();
  let client: string;
  let notes: CaseNotes;
  try {
    client = await runClient(options, {
      baseUrl: run.baseUrl,
      accountId: account,
      apiKey,
      reportUrl: collector.url(n),
      signingKey,
      sessionToken,
    });
  } finally {
    notes = collector.close(n);
  }
  for (const entry of await settledJournal(admin, account)) seen.set(entry.id, entry);
  const attempts = [...seen.values()].filter((e) => !own.has(e.id)).map(attemptOf);
  const webhooks = spec.webhookFault === undefined ? undefined : await webhookFacts(admin, account, spec, notes);
  const verdicts = judge(spec.rules, attempts, {
    retryAfterSeconds: spec.retryAfterSeconds,
    minGapMs: options.minGapMs,
    webhooks,
  });
  return { n, case: spec, account, attempts: attempts.length, verdicts, client, durationMs: performance.now() - begun };
}

async function webhookFacts(
  admin: SimulatorAdmin,
  account: string,
  spec: CertifyCase,
  notes: CaseNotes,
): Promise<WebhookFacts> {
  const deliveries = await admin.deliveries(account);
  return {
    receiver: notes.receiver,
    deliveries: deliveries.filter((d) => d.attempts > 0).length,
    events: new Set(deliveries.map((d) => d.event_id)).size,
    effects: notes.effects,
    newestState: spec.newestState,
  };
}

/** Until no delivery of the account is pending (each delivered, failed or dropped), 5 s at most. */
async function deliveriesSettled(admin: SimulatorAdmin, account: string): Promise<void> {
  for (let round = 0; round < 100; round++) {
    const deliveries = await admin.deliveries(account);
    if (deliveries.length > 0 && deliveries.every((d) => d.state !== 'pending')) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
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
