import { z } from 'zod';
import { type CliCommand, type CliOption, HELP_OPTION } from '../shared-cli/cli-option.js';
import { helpText } from '../shared-cli/help-text.js';
import { millisecondsOption } from '../shared-cli/milliseconds-option.js';
import { parseCli, usageErrorOf } from '../shared-cli/parse-cli.js';
import { UsageError } from '../shared-cli/usage-error.js';
import { DEFAULT_TIMEOUT_MS } from './provider-client.js';

export const DEFAULT_ACCOUNT = 'krn:partner:global:account:test:CONTRACT1';
export const DEFAULT_API_KEY = 'klarna_test_api_contract';

/** The contract suite's options: its parser, --help and docs/reference/cli.md read this table. */
export const CONTRACT_OPTIONS: readonly CliOption[] = [
  {
    name: 'base-url',
    type: 'string',
    value: '<url>',
    description:
      "the provider: the simulator (http://127.0.0.1:4747) or Klarna's test environment " +
      '(https://api-global.test.klarna.com); required',
  },
  {
    name: 'account',
    type: 'string',
    value: '<id>',
    env: 'KLARNA_ACCOUNT_ID',
    default: DEFAULT_ACCOUNT,
    description: 'partner account id; the default only the simulator accepts',
  },
  {
    name: 'api-key',
    type: 'string',
    value: '<key>',
    env: 'KLARNA_API_KEY',
    default: DEFAULT_API_KEY,
    description: 'API key, sent as "Authorization: Basic <key>"; the default only the simulator accepts',
  },
  {
    name: 'simulator',
    type: 'boolean',
    description: 'run the simulator-only part even if GET <url>/__mock/health does not answer {"status":"ok"}',
  },
  {
    name: 'reporter',
    type: 'string',
    value: 'junit',
    description: 'also write a JUnit XML report (needs --output)',
  },
  { name: 'output', type: 'string', value: '<file>', description: 'where the JUnit report goes' },
  {
    name: 'timeout',
    type: 'string',
    value: '<ms>',
    default: String(DEFAULT_TIMEOUT_MS),
    description: 'give up on a request, its whole answer included, after this long, 1 to 9999999',
  },
  HELP_OPTION,
];

export const CONTRACT_COMMAND: CliCommand = {
  name: 'klarna-mock-contract',
  summary: "klarna-mock contract suite: checks a provider of Klarna's Payment Authorize API against contracts/",
  usage: [
    'npm run contract -- --base-url <url> [options]          (in a checkout)',
    'npx klarna-mock-contract --base-url <url> [options]     (where the package is installed)',
  ],
  options: CONTRACT_OPTIONS,
  notes: `The portable part checks only what Klarna documents (status class, body shape); the simulator-only part
(Mock-Scenario outcomes, default decisions, idempotent replay, Notification API) runs when the provider is
the simulator.

Exit codes: 0 every interaction passed, 1 contract violations, 2 could not run (bad arguments, no answer).`,
};

export const HELP = helpText(CONTRACT_COMMAND);

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
  timeoutMs: millisecondsOption(),
});
export type ContractOptions = z.infer<typeof ContractOptions> & {
  /** Which of account and key came from neither a flag nor the environment. */
  defaulted: { account: boolean; apiKey: boolean };
};

const NAMES = {
  baseUrl: 'base-url',
  account: 'account',
  apiKey: 'api-key',
  reporter: 'reporter',
  output: 'output',
  timeoutMs: 'timeout',
};

export { UsageError };

export function readContractOptions(
  argv: string[],
  env: NodeJS.ProcessEnv,
): { help: true } | { help: false; options: ContractOptions } {
  const cli = parseCli(CONTRACT_OPTIONS, argv, env);
  if (cli.help) return { help: true };
  if (cli.value('base-url') === undefined) throw new UsageError('--base-url is required');
  const parsed = ContractOptions.safeParse({
    baseUrl: cli.value('base-url'),
    account: cli.value('account'),
    apiKey: cli.value('api-key'),
    simulator: cli.flag('simulator') ? 'force' : 'detect',
    reporter: cli.value('reporter') ?? 'text',
    output: cli.value('output'),
    timeoutMs: cli.value('timeout'),
  });
  if (!parsed.success) throw usageErrorOf(parsed.error, cli, NAMES);
  const options = parsed.data;
  if (options.reporter === 'junit' && options.output === undefined) {
    throw new UsageError('--reporter junit needs --output <file>');
  }
  if (options.output !== undefined && options.reporter !== 'junit') {
    throw new UsageError('--output goes with --reporter junit');
  }
  return {
    help: false,
    options: {
      ...options,
      defaulted: { account: cli.from('account') === 'default', apiKey: cli.from('api-key') === 'default' },
    },
  };
}
