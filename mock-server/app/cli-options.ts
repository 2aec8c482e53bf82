import { existsSync } from 'node:fs';
import { z } from 'zod';
import { ONE_OFF_PARSE } from '../../contracts/index.js';
import { type CliCommand, type CliOption, HELP_OPTION } from '../../shared-cli/cli-option.js';
import { helpText } from '../../shared-cli/help-text.js';
import { parseCli, usageErrorOf } from '../../shared-cli/parse-cli.js';
import { UsageError } from '../../shared-cli/usage-error.js';
import { AdminToken, MAX_WORKERS, MockConfig, type MockConfigInput } from '../core/config.js';
import { parseStoreLocation } from '../core/store/store-location.js';
import { readJsonFile } from '../io/read-json-file.js';

const LOG_LEVELS = 'fatal, error, warn, info, debug, trace or silent';

/** The simulator's options: its parser, --help and docs/reference/cli.md read this table. */
export const SIMULATOR_OPTIONS: readonly CliOption[] = [
  {
    name: 'port',
    type: 'string',
    value: '<n>',
    env: 'PORT',
    default: '4747',
    description: 'port to listen on; 0 picks a free port',
  },
  { name: 'host', type: 'string', value: '<addr>', env: 'HOST', default: '127.0.0.1', description: 'address to bind' },
  {
    name: 'config',
    type: 'string',
    value: '<file>',
    description:
      'JSON file with simulator settings (accounts, apiKeys, currencies, ...; see docs/reference/configuration.md)',
  },
  {
    name: 'fixtures',
    type: 'string',
    value: '<dir>',
    defaultText: 'fixtures/scenarios when it exists',
    description: 'directory of scenario files; reloaded on change',
  },
  {
    name: 'seed',
    type: 'string',
    value: '<text>',
    defaultText: 'klarna-mock',
    description: 'seed for probability scenarios and ranged delays',
  },
  { name: 'log-level', type: 'string', value: '<lvl>', env: 'LOG_LEVEL', default: 'info', description: LOG_LEVELS },
  {
    name: 'log-format',
    type: 'string',
    value: '<f>',
    defaultText: 'pretty in a terminal, json otherwise',
    description: 'pretty or json',
  },
  {
    name: 'admin-token',
    type: 'string',
    value: '<t>',
    env: 'KLARNA_MOCK_ADMIN_TOKEN',
    description:
      'every /__mock request must send Authorization: Bearer <t>; at least 16 characters; the environment variable ' +
      'keeps it out of the process list; settings adminToken',
  },
  {
    name: 'admin-open',
    type: 'boolean',
    env: 'KLARNA_MOCK_ADMIN_OPEN',
    description:
      'let the /__mock admin API go without a token beyond loopback, on a trusted network such as a container; ' +
      'the environment variable takes true or false; settings adminOpen',
  },
  {
    name: 'store',
    type: 'string',
    value: '<url>',
    env: 'KLARNA_MOCK_STORE',
    defaultText: 'memory',
    description:
      'where idempotency answers and issued tokens live: memory, redis://host:port/db, rediss://host:port/db or ' +
      'redis-cluster://host:port,host:port; instances naming one Redis share them (docs/guides/scale-out.md); ' +
      'settings store',
  },
  {
    name: 'workers',
    type: 'string',
    value: '<n>',
    env: 'KLARNA_MOCK_WORKERS',
    default: '1',
    description:
      `processes serving the one port (node:cluster, 1 to ${MAX_WORKERS}); a worker that dies is restarted; more than ` +
      'one needs --store redis://… (docs/guides/scale-out.md); settings workers',
  },
  HELP_OPTION,
];

export const SIMULATOR_COMMAND: CliCommand = {
  name: 'klarna-mock',
  summary: "klarna-mock: a local simulator of Klarna's Payment Authorize API",
  usage: [
    'npm start -- [options]      (in a checkout; npm run dev -- [options] runs the TypeScript sources)',
    'npx klarna-mock [options]   (where the package is installed)',
    'klarna-mock proxy --upstream <url> [options]   (the validating proxy; npm run proxy -- …; proxy --help)',
  ],
  options: SIMULATOR_OPTIONS,
  notes: `A --host beyond loopback (anything but 127.0.0.0/8, ::1 or localhost) needs --admin-token or --admin-open:
the admin API could otherwise read every account's journal, approve payment requests, reset accounts and arm
global faults for anyone on the network.

Once ready it prints one line with its URL. Try:
  curl http://127.0.0.1:4747/__mock/health
  open http://127.0.0.1:4747/docs`,
};

export const HELP = helpText(SIMULATOR_COMMAND);

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

/** The schema key of each option, so that an error names what the user actually typed. */
const NAMES = { port: 'port', host: 'host', logLevel: 'log-level', logFormat: 'log-format', config: 'config' };

/** Reads argv and the environment; a bad value throws a UsageError with the option's name and the reason. */
export function readCliOptions(
  argv: string[],
  env: NodeJS.ProcessEnv,
  isTty: boolean,
): { help: true } | { help: false; options: CliOptions } {
  const cli = parseCli(SIMULATOR_OPTIONS, argv, env);
  if (cli.help) return { help: true };
  const configFile = cli.value('config');
  const flags = {
    fixtures: cli.value('fixtures'),
    seed: cli.value('seed'),
    adminToken: cli.value('admin-token'),
    adminTokenLabel: cli.label('admin-token'),
    adminOpen: cli.flag('admin-open') as boolean | undefined,
    store: cli.value('store'),
    storeLabel: cli.label('store'),
  };
  const config = withWorkers(
    withAdmin(withFlags(configFile === undefined ? {} : readConfigFile(configFile), flags), flags, env),
    cli.from('workers') === 'default' ? undefined : { value: cli.value('workers') ?? '', label: cli.label('workers') },
  );
  const parsed = CliOptions.safeParse(
    {
      port: cli.value('port'),
      host: cli.value('host'),
      logLevel: cli.value('log-level'),
      logFormat: cli.value('log-format') ?? (isTty ? 'pretty' : 'json'),
      config,
    },
    ONE_OFF_PARSE,
  );
  if (!parsed.success) throw usageErrorOf(parsed.error, cli, NAMES);
  return { help: false, options: parsed.data };
}

const DEFAULT_FIXTURES = 'fixtures/scenarios';

/**
 * Flags win over the settings file. Scenario files: --fixtures, else the file's fixturesDir, else
 * fixtures/scenarios of the working directory when there is one.
 */
function withFlags(
  config: MockConfigInput,
  flags: { fixtures?: string | undefined; seed?: string | undefined; store?: string | undefined; storeLabel: string },
): MockConfigInput {
  if (flags.fixtures !== undefined && !existsSync(flags.fixtures)) {
    throw new UsageError(`--fixtures: ${flags.fixtures} does not exist`);
  }
  const store = flags.store === undefined ? undefined : parseStoreLocation(flags.store);
  if (store !== undefined && 'error' in store) throw new UsageError(`${flags.storeLabel}: ${store.error}`);
  const fixturesDir =
    flags.fixtures ?? config.fixturesDir ?? (existsSync(DEFAULT_FIXTURES) ? DEFAULT_FIXTURES : undefined);
  return {
    ...config,
    ...(fixturesDir !== undefined && { fixturesDir }),
    ...(flags.seed !== undefined && { seed: flags.seed }),
    ...(flags.store !== undefined && { store: flags.store }),
  };
}

/** The admin token and open flag: a flag wins over its environment variable, which wins over the settings file. */
function withAdmin(
  config: MockConfigInput,
  flags: { adminToken?: string | undefined; adminTokenLabel: string; adminOpen?: boolean | undefined },
  env: NodeJS.ProcessEnv,
): MockConfigInput {
  const token = flags.adminToken;
  const checked = token === undefined ? undefined : AdminToken.safeParse(token);
  // The message never quotes the token.
  if (checked?.success === false) throw new UsageError(`${flags.adminTokenLabel}: ${checked.error.issues[0]?.message}`);
  const open = flags.adminOpen ?? openFromEnv(env.KLARNA_MOCK_ADMIN_OPEN);
  return {
    ...config,
    ...(checked?.success && { adminToken: checked.data }),
    ...(open !== undefined && { adminOpen: open }),
  };
}

const WORKERS_RANGE = `expected a whole number from 1 to ${MAX_WORKERS}`;
const Workers = z
  .string()
  .regex(/^\d{1,5}$/, WORKERS_RANGE)
  .transform(Number)
  .pipe(z.int().min(1, WORKERS_RANGE).max(MAX_WORKERS, WORKERS_RANGE));

/**
 * --workers (or KLARNA_MOCK_WORKERS) over the settings file's `workers`. More than one worker on the memory store is
 * refused: each process would keep answers of its own, and a retry landing on another worker would authorize twice.
 */
function withWorkers(config: MockConfigInput, flag: { value: string; label: string } | undefined): MockConfigInput {
  let workers = config.workers;
  if (flag !== undefined) {
    const parsed = Workers.safeParse(flag.value);
    if (!parsed.success) throw new UsageError(`${flag.label}: ${parsed.error.issues[0]?.message}`);
    workers = parsed.data;
  }
  if (workers === undefined) return config;
  const store = parseStoreLocation(config.store ?? 'memory');
  if (workers > 1 && 'kind' in store && store.kind === 'memory') {
    let named = `"workers": ${workers} in the settings file`;
    if (flag !== undefined) named = flag.label === '--workers' ? `--workers ${workers}` : `${flag.label}=${workers}`;
    throw new UsageError(
      `${named} needs a shared store (each worker would keep answers of its own): ` +
        'start with --store redis://host:port (or KLARNA_MOCK_STORE, or "store" in the settings file)',
    );
  }
  return { ...config, workers };
}

function openFromEnv(value: string | undefined): boolean | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new UsageError('KLARNA_MOCK_ADMIN_OPEN: expected true or false');
}

/** The settings file, parsed: its defaults filled in, which buildApp's own parse of the settings leaves as they are. */
const readConfigFile = (file: string): MockConfigInput => readJsonFile(file, MockConfig);
