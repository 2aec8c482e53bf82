import { z } from 'zod';
import { ClientReport, KlarnaError } from '../contracts/index.js';
import { truncate } from '../contracts/violation.js';
import { type CliCommand, type CliOption, HELP_OPTION } from '../shared-cli/cli-option.js';
import { helpText } from '../shared-cli/help-text.js';
import { millisecondsOption } from '../shared-cli/milliseconds-option.js';
import { type ParsedCli, parseCli, usageErrorOf } from '../shared-cli/parse-cli.js';
import { DEFAULT_TIMEOUT_MS, networkReason } from './provider-client.js';

/** The client check's options: its parser, --help and docs/reference/cli.md read this table. */
export const CLIENT_CHECK_OPTIONS: readonly CliOption[] = [
  {
    name: 'base-url',
    type: 'string',
    value: '<url>',
    description: 'the running simulator, e.g. http://127.0.0.1:4747; required',
  },
  {
    name: 'account',
    type: 'string',
    value: '<id>',
    env: 'KLARNA_ACCOUNT_ID',
    defaultText: 'every account',
    description: "only this partner account's requests",
  },
  {
    name: 'strict',
    type: 'boolean',
    description: 'fail on warnings too (unknown fields, missing idempotency keys, ...)',
  },
  { name: 'json', type: 'boolean', description: 'print the report as JSON instead of text' },
  {
    name: 'timeout',
    type: 'string',
    value: '<ms>',
    default: String(DEFAULT_TIMEOUT_MS),
    description: "give up on the simulator's answer after this long",
  },
  HELP_OPTION,
];

export const CLIENT_CHECK_COMMAND: CliCommand = {
  name: 'klarna-mock-client-check',
  summary: `klarna-mock client check: what the simulator noticed about your client's requests`,
  usage: [
    'npm run contract:client -- --base-url <simulator url> [options]      (in a checkout)',
    'npx klarna-mock-client-check --base-url <simulator url> [options]   (where the package is installed)',
    '',
    "Run your client's tests against the simulator first, then this. It reads GET <url>/__mock/report.",
  ],
  options: CLIENT_CHECK_OPTIONS,
  notes: 'Exit codes: 0 no errors (and no warnings with --strict), 1 findings, 2 could not run.',
};

export const CLIENT_HELP = helpText(CLIENT_CHECK_COMMAND);

const Options = z.strictObject({
  baseUrl: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }),
  account: z.string().min(1, 'must not be empty').optional(),
  strict: z.boolean(),
  json: z.boolean(),
  timeoutMs: millisecondsOption(),
});

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** The whole command without process.exit; resolves with the exit code. */
export async function runClientCheck(argv: string[], env: NodeJS.ProcessEnv, io: Io): Promise<number> {
  let cli: ParsedCli;
  try {
    cli = parseCli(CLIENT_CHECK_OPTIONS, argv, env);
  } catch (error) {
    io.err(`contract:client: ${(error as Error).message}\n`);
    return 2;
  }
  if (cli.help) {
    io.out(CLIENT_HELP);
    return 0;
  }
  if (cli.value('base-url') === undefined) {
    io.err('contract:client: --base-url is required (the running simulator, e.g. http://127.0.0.1:4747)\n');
    return 2;
  }
  const parsed = Options.safeParse({
    baseUrl: cli.value('base-url'),
    account: cli.value('account'),
    strict: cli.flag('strict') === true,
    json: cli.flag('json') === true,
    timeoutMs: cli.value('timeout'),
  });
  if (!parsed.success) {
    // The first problem only, named by what the user typed: the flag, or the environment variable.
    const first = new z.ZodError(parsed.error.issues.slice(0, 1));
    io.err(
      `contract:client: ${usageErrorOf(first, cli, { baseUrl: 'base-url', account: 'account', timeoutMs: 'timeout' }).message}\n`,
    );
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
  const refusal = status === 200 ? undefined : KlarnaError.safeParse(json);
  // The simulator's own refusal, e.g. 503 while the shared store that keeps the journal cannot be reached.
  if (refusal?.success) {
    const { error_code: code, error_message: message } = refusal.data;
    throw new Error(`${url} answered ${status} ${code}: ${truncate(message ?? '', 200)}`);
  }
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
