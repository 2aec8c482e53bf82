import { z } from 'zod';
import { type CliCommand, type CliOption, HELP_OPTION } from '../shared-cli/cli-option.js';
import { helpText } from '../shared-cli/help-text.js';
import { millisecondsOption } from '../shared-cli/milliseconds-option.js';
import { parseCli, usageErrorOf } from '../shared-cli/parse-cli.js';
import { UsageError } from '../shared-cli/usage-error.js';
import { DEFAULT_SEED } from './run-certify.js';

export { UsageError };

/** Certify's own options: its parser, --help and docs/reference/cli.md read this table. */
export const CERTIFY_OPTIONS: readonly CliOption[] = [
  {
    name: 'base-url',
    type: 'string',
    value: '<url>',
    description: 'a running simulator (admin API included); by default certify starts its own',
  },
  {
    name: 'seed',
    type: 'string',
    value: '<text>',
    default: DEFAULT_SEED,
    description: 'the order of the cases: same seed, same cases, same order',
  },
  { name: 'junit', type: 'string', value: '<file>', description: 'also write a JUnit XML report' },
  { name: 'html', type: 'string', value: '<file>', description: 'also write a self-contained HTML report' },
  {
    name: 'hang-ms',
    type: 'string',
    value: '<ms>',
    defaultText: '2000',
    description:
      "how long the hang case holds the connection, when certify starts the simulator (keep it past your client's " +
      'own timeout)',
  },
  {
    name: 'case-timeout',
    type: 'string',
    value: '<ms>',
    defaultText: '60000',
    description: 'abandon a run of the client after this long',
  },
  {
    name: 'min-gap',
    type: 'string',
    value: '<ms>',
    defaultText: '100',
    description: 'the least gap between a failed attempt and its retry, for backoff',
  },
  { name: 'verbose', type: 'boolean', description: "show the client's own output" },
  HELP_OPTION,
];

export const CERTIFY_COMMAND: CliCommand = {
  name: 'klarna-mock-certify',
  summary: `klarna-mock certify: drives your Klarna client through lost answers, errors and network faults, and
judges from the simulator's journal whether it retried safely`,
  usage: [
    'npm run certify -- [options] [--] <command…>           (in a checkout)',
    'npx klarna-mock-certify [options] [--] <command…>      (where the package is installed)',
    '',
    '<command…> makes one purchase: it is run once per case with KLARNA_BASE_URL, KLARNA_ACCOUNT_ID and',
    'KLARNA_API_KEY in its environment, e.g.  npm run certify -- node examples/careful-client.mjs',
    "For the webhook cases it may run a receiver: KLARNA_CERTIFY_REPORT_URL is where it reports (its receiver's URL,",
    'each effect applied, that the purchase is done) and KLARNA_WEBHOOK_SIGNING_KEY signs the webhooks; the',
    'expired-token case also gives KLARNA_SESSION_TOKEN. See docs/guides/certify-your-client.md.',
  ],
  options: CERTIFY_OPTIONS,
  notes: `The admin token of a running simulator, if it has one, is read from KLARNA_MOCK_ADMIN_TOKEN.

Rules: same-key-on-retry, one-transaction, retry-after-honoured, no-retry-on-4xx, backoff, eventually-succeeds,
webhook-processed-once, webhook-newest-state-kept, expired-token-not-reused.
The report also goes to the simulator's inspector (/__mock/ui); one certify started closes with it: use --base-url.
Exit codes: 0 every rule passed, 1 a rule failed, 2 could not run (bad arguments, no simulator, no command).`,
};

export const HELP = helpText(CERTIFY_COMMAND);

const CertifyCliOptions = z.strictObject({
  baseUrl: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }).optional(),
  seed: z.string().min(1, 'must not be empty'),
  junit: z.string().min(1, 'must not be empty').optional(),
  html: z.string().min(1, 'must not be empty').optional(),
  hangMs: millisecondsOption(600_000).optional(),
  caseTimeoutMs: millisecondsOption(3_600_000).optional(),
  minGapMs: millisecondsOption(60_000).optional(),
  verbose: z.boolean(),
  command: z.array(z.string()).min(1, 'give the command that runs your client, e.g. node my-client.mjs'),
});
export type CertifyCliOptions = z.infer<typeof CertifyCliOptions>;

const NAMES = {
  baseUrl: 'base-url',
  seed: 'seed',
  junit: 'junit',
  html: 'html',
  hangMs: 'hang-ms',
  caseTimeoutMs: 'case-timeout',
  minGapMs: 'min-gap',
  command: '<command>',
};
const WITH_VALUE = new Set(CERTIFY_OPTIONS.filter((o) => o.type === 'string').map((o) => `--${o.name}`));

/**
 * Certify's own options come first; the client's command is everything from `--` or the first word that is not
 * an option. Split by hand: parseArgs would read the command's own flags (node --import …) as certify's.
 */
export function splitCommand(argv: string[]): { own: string[]; command: string[] } {
  let i = 0;
  while (i < argv.length) {
    const arg = argv[i] as string;
    if (arg === '--') return { own: argv.slice(0, i), command: argv.slice(i + 1) };
    if (!arg.startsWith('-')) break;
    i += WITH_VALUE.has(arg) ? 2 : 1;
  }
  return { own: argv.slice(0, i), command: argv.slice(i) };
}

export function readCertifyOptions(argv: string[]): { help: true } | { help: false; options: CertifyCliOptions } {
  const { own, command } = splitCommand(argv);
  // No environment: certify's options have none (the admin token is read where it is used).
  const cli = parseCli(CERTIFY_OPTIONS, own, {});
  if (cli.help) return { help: true };
  const parsed = CertifyCliOptions.safeParse({
    baseUrl: cli.value('base-url'),
    seed: cli.value('seed'),
    junit: cli.value('junit'),
    html: cli.value('html'),
    hangMs: cli.value('hang-ms'),
    caseTimeoutMs: cli.value('case-timeout'),
    minGapMs: cli.value('min-gap'),
    verbose: cli.flag('verbose') === true,
    command,
  });
  if (!parsed.success) {
    throw usageErrorOf(parsed.error, cli, NAMES);
  }
  if (parsed.data.baseUrl !== undefined && parsed.data.hangMs !== undefined) {
    throw new UsageError('--hang-ms applies to a simulator certify starts, not to --base-url (its hangMaxMs holds)');
  }
  return { help: false, options: parsed.data };
}
