import { z } from 'zod';
import { type CliCommand, type CliOption, HELP_OPTION } from '../../shared-cli/cli-option.js';
import { helpText } from '../../shared-cli/help-text.js';
import { LOG_FORMAT_OPTION, LOG_LEVEL_OPTION, LogFormat, LogLevel } from '../../shared-cli/log-options.js';
import { parseCli, usageErrorOf } from '../../shared-cli/parse-cli.js';
import { AdminToken } from '../core/config.js';

/** The proxy's options: its parser, --help and docs/reference/cli.md read this table. */
export const PROXY_OPTIONS: readonly CliOption[] = [
  {
    name: 'upstream',
    type: 'string',
    value: '<url>',
    env: 'KLARNA_MOCK_UPSTREAM',
    description: "base URL the calls go to: Klarna's test environment, or a simulator",
  },
  {
    name: 'port',
    type: 'string',
    value: '<n>',
    env: 'PORT',
    default: '4748',
    description: 'port to listen on; 0 picks a free port',
  },
  { name: 'host', type: 'string', value: '<addr>', env: 'HOST', default: '127.0.0.1', description: 'address to bind' },
  {
    name: 'account',
    type: 'string',
    value: '<id>',
    env: 'KLARNA_ACCOUNT_ID',
    defaultText: 'none',
    description:
      "account journaled for calls whose path names none (Klarna Direct, webhook management): the API key's, " +
      'which the proxy cannot tell',
  },
  {
    name: 'timeout',
    type: 'string',
    value: '<ms>',
    default: '30000',
    description: 'an upstream answer must have come within this long, else the client gets a 504',
  },
  LOG_LEVEL_OPTION,
  LOG_FORMAT_OPTION,
  {
    name: 'admin-token',
    type: 'string',
    value: '<t>',
    env: 'KLARNA_MOCK_ADMIN_TOKEN',
    description: 'every /__mock request must send Authorization: Bearer <t>',
  },
  {
    name: 'admin-open',
    type: 'boolean',
    env: 'KLARNA_MOCK_ADMIN_OPEN',
    description:
      'let /__mock go without a token beyond loopback, on a trusted network; the environment variable takes true',
  },
  HELP_OPTION,
];

export const PROXY_COMMAND: CliCommand = {
  name: 'klarna-mock proxy',
  summary: `klarna-mock proxy: forwards a client's Klarna calls to an upstream and checks both directions
against the simulator's contracts`,
  usage: [
    'npm run proxy -- --upstream <url> [options]     (in a checkout)',
    'npx klarna-mock proxy --upstream <url> [options]   (where the package is installed)',
  ],
  options: PROXY_OPTIONS,
  notes: `Point the client at the proxy's URL instead of the upstream's. Then:
  GET /__mock/requests   the journal of the client's calls (credentials redacted)
  GET /__mock/report     the client report: contract errors and warnings of its requests
  GET /__mock/drift      where the upstream's answers leave the contracts; printed again when the proxy stops`,
};

export const PROXY_HELP = helpText(PROXY_COMMAND);

const ProxyCliOptions = z.strictObject({
  upstream: z.string({ error: 'required: the base URL to forward to' }).min(1),
  port: z
    .string()
    .regex(/^\d{1,5}$/, 'expected a whole number from 0 to 65535')
    .transform(Number)
    .pipe(z.int().max(65535, 'expected a whole number from 0 to 65535')),
  host: z.string().min(1),
  account: z.string().max(255).optional(),
  timeoutMs: z
    .string()
    .regex(/^\d{1,9}$/, 'expected a whole number of milliseconds')
    .transform(Number)
    .pipe(z.int().min(1, 'expected at least 1 ms')),
  logLevel: LogLevel,
  logFormat: LogFormat,
  adminToken: AdminToken.optional(),
  adminOpen: z.boolean(),
});
export type ProxyCliOptions = z.infer<typeof ProxyCliOptions>;

const NAMES = {
  upstream: 'upstream',
  port: 'port',
  host: 'host',
  account: 'account',
  timeoutMs: 'timeout',
  logLevel: 'log-level',
  logFormat: 'log-format',
  adminToken: 'admin-token',
  adminOpen: 'admin-open',
};

/** Reads the arguments after `proxy` and the environment; a bad value throws with the option's name and the reason. */
export function readProxyOptions(
  argv: string[],
  env: NodeJS.ProcessEnv,
  isTty: boolean,
): { help: true } | { help: false; options: ProxyCliOptions } {
  const cli = parseCli(PROXY_OPTIONS, argv, env);
  if (cli.help) return { help: true };
  const parsed = ProxyCliOptions.safeParse({
    upstream: cli.value('upstream'),
    port: cli.value('port'),
    host: cli.value('host'),
    account: cli.value('account'),
    timeoutMs: cli.value('timeout'),
    logLevel: cli.value('log-level'),
    logFormat: cli.value('log-format') ?? (isTty ? 'pretty' : 'json'),
    adminToken: cli.value('admin-token'),
    adminOpen: (cli.flag('admin-open') as boolean | undefined) ?? env.KLARNA_MOCK_ADMIN_OPEN === 'true',
  });
  // The message never quotes the token.
  if (!parsed.success) throw usageErrorOf(parsed.error, cli, NAMES);
  return { help: false, options: parsed.data };
}
