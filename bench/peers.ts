import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { AuthorizeRequest } from '../contracts/index.js';
import { freePort, type LoggedServer, startLoggedServer } from './child-server.js';
import { APPROVED_ANSWER } from './request.js';

// Peers for `npm run bench -- --peers`: other local mocks serving the same operation with a static APPROVED answer
// of the simulator's size. They are not dependencies of the project (npm ci stays lean): the first --peers run
// installs them, at pinned versions, into a cache folder inside the project, and later runs reuse it.

const ROOT = join(import.meta.dirname, '..');
/** Inside node_modules, so that it goes with the project's other caches and never into git. */
export const PEERS_DIR = join(ROOT, 'node_modules', '.cache', 'klarna-mock-peers');

const ROUTE = '/v2/accounts/{partner_account_id}/payment/authorize';

export interface Peer {
  name: string;
  /** The npm package and its pinned version. */
  package: string;
  version: string;
  /** What the peer is, for the console. */
  about: string;
  /** Why the peer is left out of the validation-error path, when it is. */
  noValidation?: string;
  start(log: string): Promise<LoggedServer>;
}

export const PEERS: readonly Peer[] = [
  {
    name: 'prism',
    package: '@stoplight/prism-cli',
    version: '5.9.0',
    about: 'Stoplight Prism, mock mode, from an OpenAPI document of the operation with the contracts’ body schema',
    async start(log) {
      const dir = join(PEERS_DIR, 'prism');
      mkdirSync(dir, { recursive: true });
      const document = join(dir, 'authorize.openapi.json');
      writeFileSync(document, JSON.stringify(prismDocument(), null, 2));
      const cli = join(packageDir('@stoplight/prism-cli'), 'dist', 'index.js');
      const port = await freePort();
      // Its defaults otherwise: static examples, request validation on, every request logged to stdout.
      const args = [cli, 'mock', document, '--host', '127.0.0.1', '--port', String(port)];
      return startLoggedServer(process.execPath, args, { log, port });
    },
  },
  {
    name: 'wiremock',
    package: 'wiremock',
    version: '3.13.2',
    about: 'WireMock standalone (the package’s jar on this machine’s java), one stub, request journal off',
    noValidation: 'it answers its static 200 to any body (a stub does not validate)',
    async start(log) {
      const dir = join(PEERS_DIR, 'wiremock');
      mkdirSync(join(dir, 'mappings'), { recursive: true });
      writeFileSync(join(dir, 'mappings', 'authorize.json'), JSON.stringify(wiremockMapping(), null, 2));
      const jar = join(packageDir('wiremock'), 'build', `wiremock-standalone-${this.version}.jar`);
      const port = await freePort();
      // The jar run directly, as the package's launcher runs it (`java -jar`), without that launcher between the
      // bench and the JVM. Pinned to the server core, the JVM sizes its threads for one core.
      const args = ['-jar', jar, '--port', String(port), '--bind-address', '127.0.0.1', '--root-dir', dir];
      return startLoggedServer('java', [...args, '--no-request-journal'], { log, port, timeoutMs: 90_000 });
    },
  },
];

/** OpenAPI 3.1 for Prism: the authorize operation, the contracts' request body schema, the answer as its example. */
export function prismDocument() {
  const { $schema: _, ...schema } = z.toJSONSchema(AuthorizeRequest, { io: 'input', unrepresentable: 'any' });
  return {
    openapi: '3.1.0',
    info: { title: 'klarna-mock bench: authorize', version: '1.0.0' },
    paths: {
      [ROUTE]: {
        post: {
          operationId: 'authorizePayment',
          parameters: [{ name: 'partner_account_id', in: 'path', required: true, schema: { type: 'string' } }],
          requestBody: { required: true, content: { 'application/json': { schema } } },
          responses: {
            '200': {
              description: 'APPROVED',
              content: { 'application/json': { example: JSON.parse(APPROVED_ANSWER) } },
            },
          },
        },
      },
    },
  };
}

/** WireMock's stub: any account's authorize POST gets the fixed APPROVED answer. */
export function wiremockMapping() {
  return {
    request: { method: 'POST', urlPathPattern: '/v2/accounts/[^/]+/payment/authorize' },
    response: {
      status: 200,
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
      body: APPROVED_ANSWER,
    },
  };
}

function packageDir(name: string): string {
  return join(PEERS_DIR, 'node_modules', name);
}

function installedVersion(name: string): string | undefined {
  try {
    return JSON.parse(readFileSync(join(packageDir(name), 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

/**
 * Installs the peers' packages into PEERS_DIR unless their pinned versions are there already; says so on the
 * console. All in one `npm install` (one that names fewer would prune the others). Returns the reason it failed.
 */
export function installPeers(log: (line: string) => void): string | undefined {
  const missing = PEERS.filter((peer) => installedVersion(peer.package) !== peer.version);
  if (missing.length === 0) return undefined;
  const specs = PEERS.map((peer) => `${peer.package}@${peer.version}`);
  log(`installing ${specs.join(', ')} into ${PEERS_DIR} (the first --peers run only; not in package.json) …`);
  mkdirSync(PEERS_DIR, { recursive: true });
  const args = ['install', '--prefix', PEERS_DIR, '--no-save', '--no-audit', '--no-fund', ...specs];
  // Under `npm run`, the same npm that runs the bench; else the one on PATH.
  const npm = process.env.npm_execpath;
  const [command, argv] = npm?.endsWith('.js') ? [process.execPath, [npm, ...args]] : ['npm', args];
  try {
    execFileSync(command, argv, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 600_000 });
    return undefined;
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    return `npm install failed: ${stderr?.slice(-2000) || (error as Error).message}`;
  }
}

/** Whether a peer's pinned version is installed (after installPeers). */
export const peerInstalled = (peer: Peer) => installedVersion(peer.package) === peer.version;
