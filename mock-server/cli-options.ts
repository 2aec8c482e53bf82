import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { AdminToken, MockConfig, type MockConfigInput } from './config.js';
import { readJsonFile } from './json-file.js';

export const HELP = `klarna-mock: a local simulator of Klarna's Payment Authorize API

Usage: npm start -- [options]      (in a checkout; npm run dev -- [options] runs the TypeScript sources)
       npx klarna-mock [options]   (where the package is installed)
       klarna-mock proxy --upstream <url> [options]   (the validating proxy in front of Klarna or another
                                                       simulator; npm run proxy -- …; proxy --help)

Options:
  --port <n>         port to listen on (default 4747; env PORT; 0 picks a free port)
  --host <addr>      address to bind (default 127.0.0.1; env HOST)
  --config <file>    JSON file with simulator settings (accounts, apiKeys, currencies, ...; see docs/reference/running.md)
  --fixtures <dir>   directory of scenario files (default fixtures/scenarios when it exists); reloaded on change
  --seed <text>      seed for probability scenarios and ranged delays (default klarna-mock)
  --log-level <lvl>  fatal, error, warn, info, debug, trace or silent (default info; env LOG_LEVEL)
  --log-format <f>   pretty or json (default: pretty in a terminal, json otherwise)
  --admin-token <t>  every /__mock request must send Authorization: Bearer <t> (env KLARNA_MOCK_ADMIN_TOKEN,
                     which keeps it out of the process list; settings adminToken); at least 16 characters
  --admin-open       let the /__mock admin API go without a token beyond loopback, on a trusted network such
                     as a container (env KLARNA_MOCK_ADMIN_OPEN=true; settings adminOpen)
  -h, --help         show this help

A --host beyond loopback (anything but 127.0.0.0/8, ::1 or localhost) needs --admin-token or --admin-open:
the admin API could otherwise read every account's journal, approve payment requests, reset accounts and arm
global faults for anyone on the network.

Once ready it prints one line with its URL. Try:
  curl http://127.0.0.1:4747/__mock/health
  open http://127.0.0.1:4747/docs
`;

const CliOptions = z.strictObject({
  // Digits only: a plain coercion would read '' (an empty PORT) as 0, a random port, and accept 1e3 or 0x10.
  port: z
    .string()
    .regex(/^\d{1,5}$/, 'expected a whole number from 0 to 65535')
    .transform(Number)
    .pipe(z.int().max(65535, 'expected a whole number from 0 to 65535')),
  host: z.string().min(1),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  logFormat: z.enum(['pretty', 'json']),
  config: z.custom<MockConfigInput>(),
});
export type CliOptions = z.infer<typeof CliOptions>;

/** Where each option comes from, so that an error names what the user actually typed. */
const SOURCES = {
  port: { flag: 'port', envName: 'PORT' },
  host: { flag: 'host', envName: 'HOST' },
  logLevel: { flag: 'log-level', envName: 'LOG_LEVEL' },
  logFormat: { flag: 'log-format', envName: undefined },
  config: { flag: 'config', envName: undefined },
} as const;

/** Reads argv and the environment; a bad value throws with the option's name and the reason. */
export function readCliOptions(
  argv: string[],
  env: NodeJS.ProcessEnv,
  isTty: boolean,
): { help: true } | { help: false; options: CliOptions } {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      config: { type: 'string' },
      fixtures: { type: 'string' },
      seed: { type: 'string' },
      'log-level': { type: 'string' },
      'log-format': { type: 'string' },
      'admin-token': { type: 'string' },
      'admin-open': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return { help: true };
  const parsed = CliOptions.safeParse({
    port: values.port ?? env.PORT ?? '4747',
    host: values.host ?? env.HOST ?? '127.0.0.1',
    logLevel: values['log-level'] ?? env.LOG_LEVEL ?? 'info',
    logFormat: values['log-format'] ?? (isTty ? 'pretty' : 'json'),
    config: withAdmin(withFlags(values.config === undefined ? {} : readConfigFile(values.config), values), values, env),
  });
  if (!parsed.success) {
    const source = (key: PropertyKey) => {
      const { flag, envName } = SOURCES[key as keyof typeof SOURCES];
      return values[flag] === undefined && envName !== undefined && env[envName] !== undefined ? envName : `--${flag}`;
    };
    throw new Error(parsed.error.issues.map((i) => `${source(i.path[0] ?? '')}: ${i.message}`).join('; '));
  }
  return { help: false, options: parsed.data };
}

const DEFAULT_FIXTURES = 'fixtures/scenarios';

/**
 * Flags win over the settings file. Scenario files: --fixtures, else the file's fixturesDir, else
 * fixtures/scenarios of the working directory when there is one.
 */
function withFlags(config: MockConfigInput, flags: { fixtures?: string; seed?: string }): MockConfigInput {
  if (flags.fixtures !== undefined && !existsSync(flags.fixtures)) {
    throw new Error(`--fixtures: ${flags.fixtures} does not exist`);
  }
  const fixturesDir =
    flags.fixtures ?? config.fixturesDir ?? (existsSync(DEFAULT_FIXTURES) ? DEFAULT_FIXTURES : undefined);
  return {
    ...config,
    ...(fixturesDir !== undefined && { fixturesDir }),
    ...(flags.seed !== undefined && { seed: flags.seed }),
  };
}

/** The admin token and open flag: a flag wins over its environment variable, which wins over the settings file. */
function withAdmin(
  config: MockConfigInput,
  flags: { 'admin-token'?: string; 'admin-open'?: boolean },
  env: NodeJS.ProcessEnv,
): MockConfigInput {
  const [tokenSource, token] =
    flags['admin-token'] !== undefined
      ? ['--admin-token', flags['admin-token']]
      : ['KLARNA_MOCK_ADMIN_TOKEN', env.KLARNA_MOCK_ADMIN_TOKEN];
  const checked = token === undefined ? undefined : AdminToken.safeParse(token);
  // The message never quotes the token.
  if (checked?.success === false) throw new Error(`${tokenSource}: ${checked.error.issues[0]?.message}`);
  const open = flags['admin-open'] ?? openFromEnv(env.KLARNA_MOCK_ADMIN_OPEN);
  return {
    ...config,
    ...(checked?.success && { adminToken: checked.data }),
    ...(open !== undefined && { adminOpen: open }),
  };
}

function openFromEnv(value: string | undefined): boolean | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new Error('KLARNA_MOCK_ADMIN_OPEN: expected true or false');
}

/** The settings file, parsed: its defaults filled in, which buildApp's own parse of the settings leaves as they are. */
const readConfigFile = (file: string): MockConfigInput => readJsonFile(file, MockConfig);
