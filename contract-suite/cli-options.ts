import { parseArgs } from 'node:util';
import { z } from 'zod';
import { DEFAULT_TIMEOUT_MS } from './provider-client.js';

export const DEFAULT_ACCOUNT = 'krn:partner:global:account:test:CONTRACT1';
export const DEFAULT_API_KEY = 'klarna_test_api_contract';

export const HELP = `klarna-mock contract suite: checks a provider of Klarna's Payment Authorize API against contracts/

Usage: npm run contract -- --base-url <url> [options]          (in a checkout)
       npx klarna-mock-contract --base-url <url> [options]     (where the package is installed)

Options:
  --base-url <url>     the provider: the simulator (http://127.0.0.1:4747) or Klarna's test environment
                       (https://api-global.test.klarna.com)
  --account <id>       partner account id (env KLARNA_ACCOUNT_ID; default ${DEFAULT_ACCOUNT},
                       which only the simulator accepts)
  --api-key <key>      API key, sent as "Authorization: Basic <key>" (env KLARNA_API_KEY;
                       default ${DEFAULT_API_KEY}, which only the simulator accepts)
  --simulator          run the simulator-only part even if GET <url>/__mock/health does not answer {"status":"ok"}
  --reporter junit     also write a JUnit XML report (needs --output)
  --output <file>      where the JUnit report goes
  --timeout <ms>       give up on a request, its whole answer included, after this long
                       (1 to 9999999; default ${DEFAULT_TIMEOUT_MS})
  -h, --help           show this help

The portable part checks only what Klarna documents (status class, body shape); the simulator-only part
(Mock-Scenario outcomes, default decisions, idempotent replay, Notification API) runs when the provider is
the simulator.

Exit codes: 0 every interaction passed, 1 contract violations, 2 could not run (bad arguments, no answer).
`;

const ContractOptions = z.strictObject({
  baseUrl: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }),
  account: z.string().min(1, 'must not be empty'),
  // What Node can put in a header (RFC 9110 field-value characters, no line breaks), without spaces around it.
  apiKey: z
    .string()
    .min(1, 'must not be empty')
    .regex(/^[\x21-\x7e\x80-\xff](?:[\t\x20-\x7e\x80-\xff]*[\x21-\x7e\x80-\xff])?$/, {
      message: 'has characters an HTTP header cannot carry (a line break, a control character, spaces around it)',
    }),
  simulator: z.enum(['detect', 'force']),
  reporter: z.enum(['text', 'junit'], { error: 'the only reporter is junit' }),
  output: z.string().min(1, 'must not be empty').optional(),
  timeoutMs: z
    .string()
    .regex(/^\d{1,7}$/, 'expected a whole number of milliseconds')
    .transform(Number)
    .pipe(z.int().min(1, 'must be at least 1')),
});
export type ContractOptions = z.infer<typeof ContractOptions> & {
  /** Which of account and key came from neither a flag nor the environment. */
  defaulted: { account: boolean; apiKey: boolean };
};

const FLAGS: Record<string, string> = {
  baseUrl: '--base-url',
  account: '--account',
  apiKey: '--api-key',
  reporter: '--reporter',
  output: '--output',
  timeoutMs: '--timeout',
};

/** A bad command line: the message names the option. Exit code 2. */
export class UsageError extends Error {}

export function readContractOptions(
  argv: string[],
  env: NodeJS.ProcessEnv,
): { help: true } | { help: false; options: ContractOptions } {
  let values: ReturnType<typeof parse>['values'];
  try {
    ({ values } = parse(argv));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return { help: true };
  if (values['base-url'] === undefined) throw new UsageError('--base-url is required');
  const account = values.account ?? env.KLARNA_ACCOUNT_ID;
  const apiKey = values['api-key'] ?? env.KLARNA_API_KEY;
  const parsed = ContractOptions.safeParse({
    baseUrl: values['base-url'],
    account: account ?? DEFAULT_ACCOUNT,
    apiKey: apiKey ?? DEFAULT_API_KEY,
    simulator: values.simulator ? 'force' : 'detect',
    reporter: values.reporter ?? 'text',
    output: values.output,
    timeoutMs: values.timeout ?? String(DEFAULT_TIMEOUT_MS),
  });
  if (!parsed.success) {
    // Name what the user actually typed: the flag, or the environment variable when no flag was given.
    const nameOf = (key: string) =>
      key === 'account' && values.account === undefined
        ? 'KLARNA_ACCOUNT_ID'
        : key === 'apiKey' && values['api-key'] === undefined
          ? 'KLARNA_API_KEY'
          : (FLAGS[key] ?? key);
    throw new UsageError(parsed.error.issues.map((i) => `${nameOf(String(i.path[0]))}: ${i.message}`).join('; '));
  }
  const options = parsed.data;
  if (options.reporter === 'junit' && options.output === undefined) {
    throw new UsageError('--reporter junit needs --output <file>');
  }
  if (options.output !== undefined && options.reporter !== 'junit') {
    throw new UsageError('--output goes with --reporter junit');
  }
  return {
    help: false,
    options: { ...options, defaulted: { account: account === undefined, apiKey: apiKey === undefined } },
  };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      'base-url': { type: 'string' },
      account: { type: 'string' },
      'api-key': { type: 'string' },
      simulator: { type: 'boolean' },
      reporter: { type: 'string' },
      output: { type: 'string' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
}
