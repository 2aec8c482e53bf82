import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ClientReport } from '../contracts/index.js';
import { DEFAULT_TIMEOUT_MS, networkReason } from './provider-client.js';
import { truncate } from './violation.js';

export const CLIENT_HELP = `klarna-mock client check: what the simulator noticed about your client's requests

Usage: npm run contract:client -- --base-url <simulator url> [options]      (in a checkout)
       npx klarna-mock-client-check --base-url <simulator url> [options]   (where the package is installed)

Run your client's tests against the simulator first, then this. It reads GET <url>/__mock/report.

Options:
  --base-url <url>   the running simulator, e.g. http://127.0.0.1:4747
  --account <id>     only this partner account's requests (env KLARNA_ACCOUNT_ID; default: every account)
  --strict           fail on warnings too (unknown fields, missing idempotency keys, ...)
  --json             print the report as JSON instead of text
  --timeout <ms>     give up on the simulator's answer after this long (default ${DEFAULT_TIMEOUT_MS})
  -h, --help         show this help

Exit codes: 0 no errors (and no warnings with --strict), 1 findings, 2 could not run.
`;

const Options = z.strictObject({
  baseUrl: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }),
  account: z.string().min(1, 'must not be empty').optional(),
  strict: z.boolean(),
  json: z.boolean(),
  timeoutMs: z
    .string()
    .regex(/^\d{1,7}$/, 'expected a whole number of milliseconds')
    .transform(Number)
    .pipe(z.int().min(1, 'must be at least 1')),
});

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** The whole command without process.exit; resolves with the exit code. */
export async function runClientCheck(argv: string[], env: NodeJS.ProcessEnv, io: Io): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: argv,
      options: {
        'base-url': { type: 'string' },
        account: { type: 'string' },
        strict: { type: 'boolean' },
        json: { type: 'boolean' },
        timeout: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    io.err(`contract:client: ${(error as Error).message}\n`);
    return 2;
  }
  if (values.help) {
    io.out(CLIENT_HELP);
    return 0;
  }
  if (values['base-url'] === undefined) {
    io.err('contract:client: --base-url is required (the running simulator, e.g. http://127.0.0.1:4747)\n');
    return 2;
  }
  const parsed = Options.safeParse({
    baseUrl: values['base-url'],
    account: values.account ?? env.KLARNA_ACCOUNT_ID,
    strict: values.strict === true,
    json: values.json === true,
    timeoutMs: values.timeout ?? String(DEFAULT_TIMEOUT_MS),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue?.path[0]);
    // Name what the user typed: the flag, or the environment variable when no flag was given.
    const name =
      key === 'account' && values.account === undefined
        ? 'KLARNA_ACCOUNT_ID'
        : key === 'timeoutMs'
          ? '--timeout'
          : `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    io.err(`contract:client: ${name}: ${issue?.message}\n`);
    return 2;
  }
  const { baseUrl, account, strict, json, timeoutMs } = parsed.data;
  const url = `${baseUrl.replace(/\/$/, '')}/__mock/report${account ? `?account=${encodeURIComponent(account)}` : ''}`;
  let report: ClientReport;
  try {
    report = await fetchReport(url, timeoutMs);
  } catch (error) {
    io.err(`contract:client: ${(error as Error).message}\n`);
    return 2;
  }
  io.out(json ? `${JSON.stringify(report, null, 2)}\n` : textOf(report));
  if (report.requests === 0) {
    io.err(
      `contract:client: no requests recorded${account ? ` for ${account}` : ''}: did your tests use this simulator and account?\n`,
    );
    return 1;
  }
  return report.errors > 0 || (strict && report.warnings > 0) ? 1 : 0;
}

/** GET the report, within `timeoutMs` for the whole answer; every failure says what went wrong, and where. */
async function fetchReport(url: string, timeoutMs: number): Promise<ClientReport> {
  let status: number;
  let text: string;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    status = response.status;
    text = await response.text();
  } catch (error) {
    const failure = error as Error & { cause?: NodeJS.ErrnoException };
    const reason =
      failure.name === 'TimeoutError'
        ? `no answer within ${timeoutMs} ms`
        : networkReason(failure.cause?.code, failure.cause?.message ?? failure.message);
    throw new Error(`could not read ${url}: ${reason}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(
      `${url} answered ${status} with something that is not JSON (${truncate(JSON.stringify(text), 60)}); is it klarna-mock?`,
    );
  }
  const report = ClientReport.safeParse(json);
  if (status !== 200 || !report.success) {
    throw new Error(`${url} did not answer a client report (status ${status}); is it klarna-mock?`);
  }
  return report.data;
}

function textOf(report: ClientReport): string {
  const lines = [`Client report for ${report.account ?? 'every account'}: ${report.requests} requests`];
  for (const finding of report.findings) {
    lines.push(`${finding.severity === 'error' ? '✗ error  ' : '! warning'} ${finding.code} (${finding.count}×)`);
    for (const example of finding.examples) {
      lines.push(
        `    ${example.parameter ? `${example.parameter}: ` : ''}${example.message}  [request ${example.request_id}]`,
      );
    }
  }
  const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  lines.push(`${count(report.errors, 'error')}, ${count(report.warnings, 'warning')}`);
  return `${lines.join('\n')}\n`;
}
