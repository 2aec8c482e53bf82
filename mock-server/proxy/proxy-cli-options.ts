import { parseArgs } from 'node:util';
import { z } from 'zod';
import { AdminToken } from '../config.js';

export const PROXY_HELP = `klarna-mock proxy: forwards a client's Klarna calls to an upstream and checks both directions
against the simulator's contracts

Usage: npm run proxy -- --upstream <url> [options]     (in a checkout)
       npx klarna-mock proxy --upstream <url> [options]   (where the package is installed)

Options:
  --upstream <url>   base URL the calls go to: Klarna's test environment, or a simulator (env KLARNA_MOCK_UPSTREAM)
  --port <n>         port to listen on (default 4748; env PORT; 0 picks a free port)
  --host <addr>      address to bind (default 127.0.0.1; env HOST)
  --account <id>     account journaled for calls whose path names none (Klarna Direct, webhook management):
                     the API key's, which the proxy cannot tell (env KLARNA_ACCOUNT_ID; default none)
  --timeout <ms>     an upstream answer must have come within this long, else the client gets a 504 (default 30000)
  --log-level <lvl>  fatal, error, warn, info, debug, trace or silent (default info; env LOG_LEVEL)
  --log-format <f>   pretty or json (default: pretty in a terminal, json otherwise)
  --admin-token <t>  every /__mock request must send Authorization: Bearer <t> (env KLARNA_MOCK_ADMIN_TOKEN)
  --admin-open       let /__mock go without a token beyond loopback, on a trusted network
  -h, --help         show this help

Point the client at the proxy's URL instead of the upstream's. Then:
  GET /__mock/requests   the journal of the client's calls (credentials redacted)
  GET /__mock/report     the client report: contract errors and warnings of its requests
  GET /__mock/drift      where the upstream's answers leave the contracts; printed again when the proxy stops
`;

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
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  logFormat: z.enum(['pretty', 'json']),
  adminToken: AdminToken.optional(),
  adminOpen: z.boolean(),
});
export type ProxyCliOptions = z.infer<typeof ProxyCliOptions>;

const FLAGS: Record<string, string> = {
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
  const { values } = parseArgs({
    args: argv,
    options: {
      upstream: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      account: { type: 'string' },
      timeout: { type: 'string' },
      'log-level': { type: 'string' },
      'log-format': { type: 'string' },
      'admin-token': { type: 'string' },
      'admin-open': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return { help: true };
  const parsed = ProxyCliOptions.safeParse({
    upstream: values.upstream ?? env.KLARNA_MOCK_UPSTREAM,
    port: values.port ?? env.PORT ?? '4748',
    host: values.host ?? env.HOST ?? '127.0.0.1',
    account: values.account ?? env.KLARNA_ACCOUNT_ID,
    timeoutMs: values.timeout ?? '30000',
    logLevel: values['log-level'] ?? env.LOG_LEVEL ?? 'info',
    logFormat: values['log-format'] ?? (isTty ? 'pretty' : 'json'),
    adminToken: values['admin-token'] ?? env.KLARNA_MOCK_ADMIN_TOKEN,
    adminOpen: values['admin-open'] ?? env.KLARNA_MOCK_ADMIN_OPEN === 'true',
  });
  if (!parsed.success) {
    // The message never quotes the token.
    const name = (key: PropertyKey) => `--${FLAGS[String(key)] ?? String(key)}`;
    throw new Error(parsed.error.issues.map((i) => `${name(i.path[0] ?? '')}: ${i.message}`).join('; '));
  }
  return { help: false, options: parsed.data };
}
