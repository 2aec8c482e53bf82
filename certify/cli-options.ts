import { parseArgs } from 'node:util';
import { z } from 'zod';
import { UsageError } from '../contract-suite/cli-options.js';
import { DEFAULT_SEED } from './run-certify.js';

export { UsageError };

export const HELP = `klarna-mock certify: drives your Klarna client through lost answers, errors and network faults, and
judges from the simulator's journal whether it retried safely

Usage: npm run certify -- [options] [--] <command…>           (in a checkout)
       npx klarna-mock-certify [options] [--] <command…>      (where the package is installed)

<command…> makes one purchase: it is run once per case with KLARNA_BASE_URL, KLARNA_ACCOUNT_ID and
KLARNA_API_KEY in its environment, e.g.  npm run certify -- node examples/careful-client.mjs
For the webhook cases it may run a receiver: KLARNA_CERTIFY_REPORT_URL is where it reports (its receiver's URL,
each effect applied, that the purchase is done) and KLARNA_WEBHOOK_SIGNING_KEY signs the webhooks; the
expired-token case also gives KLARNA_SESSION_TOKEN. See docs/guides/certify-your-client.md.

Options:
  --base-url <url>      a running simulator (admin API included); by default certify starts its own
  --seed <text>         the order of the cases (default ${DEFAULT_SEED}): same seed, same cases, same order
  --junit <file>        also write a JUnit XML report
  --html <file>         also write a self-contained HTML report
  --hang-ms <ms>        how long the hang case holds the connection, when certify starts the simulator
                        (default 2000; keep it past your client's own timeout)
  --case-timeout <ms>   abandon a run of the client after this long (default 60000)
  --min-gap <ms>        the least gap between a failed attempt and its retry, for backoff (default 100)
  --verbose             show the client's own output
  -h, --help            show this help

The admin token of a running simulator, if it has one, is read from KLARNA_MOCK_ADMIN_TOKEN.

Rules: same-key-on-retry, one-transaction, retry-after-honoured, no-retry-on-4xx, backoff, eventually-succeeds,
webhook-processed-once, webhook-newest-state-kept, expired-token-not-reused.
The report also goes to the simulator's inspector (/__mock/ui); one certify started closes with it: use --base-url.
Exit codes: 0 every rule passed, 1 a rule failed, 2 could not run (bad arguments, no simulator, no command).
`;

const Ms = (max: number) =>
  z
    .string()
    .regex(/^\d{1,7}$/, 'expected a whole number of milliseconds')
    .transform(Number)
    .pipe(z.int().min(1, 'must be at least 1').max(max, `must be at most ${max}`));

const CertifyCliOptions = z.strictObject({
  baseUrl: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }).optional(),
  seed: z.string().min(1, 'must not be empty'),
  junit: z.string().min(1, 'must not be empty').optional(),
  html: z.string().min(1, 'must not be empty').optional(),
  hangMs: Ms(600_000).optional(),
  caseTimeoutMs: Ms(3_600_000).optional(),
  minGapMs: Ms(60_000).optional(),
  verbose: z.boolean(),
  command: z.array(z.string()).min(1, 'give the command that runs your client, e.g. node my-client.mjs'),
});
export type CertifyCliOptions = z.infer<typeof CertifyCliOptions>;

const FLAGS: Record<string, string> = {
  baseUrl: '--base-url',
  seed: '--seed',
  junit: '--junit',
  html: '--html',
  hangMs: '--hang-ms',
  caseTimeoutMs: '--case-timeout',
  minGapMs: '--min-gap',
  command: '<command>',
};
const WITH_VALUE = new Set(['--base-url', '--seed', '--junit', '--html', '--hang-ms', '--case-timeout', '--min-gap']);

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
  let values: ReturnType<typeof parse>['values'];
  try {
    ({ values } = parse(own));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return { help: true };
  const parsed = CertifyCliOptions.safeParse({
    baseUrl: values['base-url'],
    seed: values.seed ?? DEFAULT_SEED,
    junit: values.junit,
    html: values.html,
    hangMs: values['hang-ms'],
    caseTimeoutMs: values['case-timeout'],
    minGapMs: values['min-gap'],
    verbose: values.verbose ?? false,
    command,
  });
  if (!parsed.success) {
    throw new UsageError(
      parsed.error.issues.map((i) => `${FLAGS[String(i.path[0])] ?? String(i.path[0])}: ${i.message}`).join('; '),
    );
  }
  if (parsed.data.baseUrl !== undefined && parsed.data.hangMs !== undefined) {
    throw new UsageError('--hang-ms applies to a simulator certify starts, not to --base-url (its hangMaxMs holds)');
  }
  return { help: false, options: parsed.data };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      'base-url': { type: 'string' },
      seed: { type: 'string' },
      junit: { type: 'string' },
      html: { type: 'string' },
      'hang-ms': { type: 'string' },
      'case-timeout': { type: 'string' },
      'min-gap': { type: 'string' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
}
