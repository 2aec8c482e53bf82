import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as pause } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';

/**
 * Real Redis servers for tests: Debian's `redis-server` (package redis-server, which also brings `redis-cli`), one
 * node or a Redis Cluster of masters, each in a temporary folder on free ports. Nothing is ever downloaded here.
 */
export const DEBIAN_REDIS_SERVER = '/usr/bin/redis-server';
export const DEBIAN_REDIS_CLI = '/usr/bin/redis-cli';
/** 7.0 brought `cluster-port`, which lets the cluster bus use a free port instead of the client port + 10000. */
const MINIMUM_MAJOR = 7;
const HOST = '127.0.0.1';
/** Bounds, not waits: a cold start under the whole suite on two shared cores takes well under a second. */
const READY_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;
/** Cluster gossip converges on its own schedule with no event to await, so CLUSTER INFO is asked a bounded number of times. */
const CLUSTER_OK_ATTEMPTS = 200;
const CLUSTER_OK_PAUSE_MS = 50;
/** What is kept of a server's own log, for the error when it does not start. */
const LOG_TAIL_LINES = 20;

const execFileAsync = promisify(execFile);

/** What the finder may look at; injected so the plan is tested without a machine to match. */
export interface RedisLookup {
  env: Record<string, string | undefined>;
  exists: (path: string) => boolean;
  /** The output of `redis-server --version`, or undefined when it does not run. */
  version: () => string | undefined;
}

/** Run the Redis tests; without a usable redis-server, skip on a workstation but fail in CI, where a skip would hide it. */
export type RedisPlan =
  | { action: 'run'; version: string }
  | { action: 'skip'; reason: string }
  | { action: 'fail'; reason: string };

function isCi(env: Record<string, string | undefined>): boolean {
  // CI=false and CI=0 are how some runners say "not CI" (as for chromium, test/browser/chromium.ts).
  return env.CI !== undefined && env.CI !== '' && env.CI !== 'false' && env.CI !== '0';
}

export function redisPlan({ env, exists, version }: RedisLookup): RedisPlan {
  const missing = findMissing(exists, version);
  if (typeof missing !== 'string') return { action: 'run', version: missing.version };
  return isCi(env)
    ? { action: 'fail', reason: `CI is set, so the Redis tests must run, but ${missing}` }
    : { action: 'skip', reason: `Redis tests skipped: ${missing} (with CI set they fail instead)` };
}

function findMissing(exists: RedisLookup['exists'], version: RedisLookup['version']): string | { version: string } {
  const install = "install Debian's redis-server (apt-get install -y redis-server, as .ci/run does)";
  if (!exists(DEBIAN_REDIS_SERVER)) return `no ${DEBIAN_REDIS_SERVER}: ${install}`;
  if (!exists(DEBIAN_REDIS_CLI)) return `no ${DEBIAN_REDIS_CLI}: ${install}`;
  const output = version();
  const found = output?.match(/v=(\d+)\.(\d+)\.(\d+)/);
  if (!found) return `${DEBIAN_REDIS_SERVER} --version did not answer with a version (${output ?? 'it did not run'})`;
  if (Number(found[1]) < MINIMUM_MAJOR) {
    return `${DEBIAN_REDIS_SERVER} is ${found[0]}, older than ${MINIMUM_MAJOR}.0: ${install}`;
  }
  return { version: found[0].slice(2) };
}

function redisVersion(): string | undefined {
  try {
    return execFileSync(DEBIAN_REDIS_SERVER, ['--version'], { encoding: 'utf8', timeout: 5_000 });
  } catch {
    return undefined;
  }
}

/** This machine's plan, worked out when asked (`machineRedis` asks once per test process). */
export function machineRedisPlan(): RedisPlan {
  return redisPlan({ env: process.env, exists: existsSync, version: redisVersion });
}

/** The Redis tests on a machine without redis-server, outside CI: every test skips with this reason. */
export class NoRedis {
  constructor(readonly reason: string) {}
}

/**
 * What the tests start with: `NoRedis` when they are to be skipped (the reason is printed once), the reason as an
 * Error when they must run and cannot (every test then fails with it), else undefined.
 */
export function redisUnavailable(plan = machineRedisPlan()): NoRedis | Error | undefined {
  if (plan.action === 'skip') {
    console.warn(plan.reason);
    return new NoRedis(plan.reason);
  }
  if (plan.action === 'fail') return new Error(plan.reason);
  return undefined;
}

let verdict: { found: NoRedis | Error | undefined } | undefined;

/** This machine's `redisUnavailable()`, decided once per test process: a worker runs many files, on one machine. */
export function machineRedis(): NoRedis | Error | undefined {
  verdict ??= { found: redisUnavailable() };
  return verdict.found;
}

/** A beforeEach hook of the Redis tests: skips them without a usable redis-server, fails them when they must run. */
export function needsRedis({ skip }: { skip: (note?: string) => void }): void {
  const found = machineRedis();
  if (found instanceof NoRedis) skip(found.reason);
  if (found instanceof Error) throw found;
}

// Servers still running when the test process ends (a failed afterAll, a worker killed on timeout) are killed
// with it, so none outlives the run holding a port; their folders go with them.
const running = new Map<ChildProcess, string>();
let exitHookInstalled = false;
function track(child: ChildProcess, dir: string): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const [orphan, folder] of running) {
        orphan.kill('SIGKILL');
        rmSync(folder, { recursive: true, force: true });
      }
    });
  }
  running.set(child, dir);
  child.once('exit', () => running.delete(child));
}

/** A free TCP port on 127.0.0.1, for the server to take (with a retry in `startRedis` should another take it first). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts redis-server with `args` and resolves once it logs that it accepts connections. */
function launch(args: string[], dir: string): Promise<ChildProcess> {
  const child = spawn(DEBIAN_REDIS_SERVER, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  track(child, dir);
  const tail: string[] = [];
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) {
        child.kill('SIGKILL');
        reject(new Error(`${error.message}; its log ends with:\n${tail.join('\n')}`));
      } else resolve(child);
    };
    const timer = setTimeout(
      () => settle(new Error(`redis-server ${args.join(' ')} was not ready within ${READY_TIMEOUT_MS} ms`)),
      READY_TIMEOUT_MS,
    );
    let partial = '';
    // The log is read for as long as the server runs: a pipe nobody drains would block it once full.
    const read = (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        tail.push(line);
        if (tail.length > LOG_TAIL_LINES) tail.shift();
        // 7.0 logs "Ready to accept connections", 7.2 adds " tcp".
        if (/Ready to accept connections/.test(line)) settle();
      }
    };
    child.stdout?.setEncoding('utf8').on('data', read);
    child.stderr?.setEncoding('utf8').on('data', read);
    child.once('error', (error) => settle(error));
    child.once('exit', (code, signal) =>
      settle(new Error(`redis-server exited (${code ?? signal}) before it was ready`)),
    );
  });
}

export interface RedisServerOptions {
  /** An append-only file synced on every write, so data outlives a SIGKILL; off by default (no persistence at all). */
  appendOnly?: boolean;
  /** A cluster node: `cluster-enabled yes` with its nodes.conf in the server's folder. */
  cluster?: { nodeTimeoutMs: number };
}

/** A redis-server on 127.0.0.1 in a folder of its own. */
export class RedisServer {
  readonly host = HOST;

  private constructor(
    readonly port: number,
    /** The cluster bus port, for a cluster node. */
    readonly busPort: number | undefined,
    readonly dir: string,
    private readonly args: string[],
    private child: ChildProcess,
  ) {}

  /** Starts a server in `dir` (a new temporary folder when none is given, removed again by `stop`). */
  static async start(options: RedisServerOptions = {}, dir?: string): Promise<RedisServer> {
    const folder = dir ?? (await mkdtemp(join(tmpdir(), 'klarna-mock-redis-')));
    await mkdir(folder, { recursive: true });
    let lastError: Error | undefined;
    // Another process may take the free port between the check and the bind: then new ports, a few times.
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      let busPort: number | undefined;
      if (options.cluster) {
        do busPort = await freePort();
        while (busPort === port);
      }
      const args = serverArgs(port, busPort, folder, options);
      try {
        return new RedisServer(port, busPort, folder, args, await launch(args, folder));
      } catch (error) {
        lastError = error as Error;
        if (!/Address already in use/.test(lastError.message)) break;
      }
    }
    await rm(folder, { recursive: true, force: true });
    throw lastError;
  }

  /** `host:port`, as redis-cli names a node. */
  get address(): string {
    return `${this.host}:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /**
   * A client of this server, which the caller quits. Its connection errors are kept on `lastError` instead of
   * printed: a fault test kills the server under it on purpose, and ioredis reconnects by itself.
   */
  client(options: RedisOptions = {}): Redis & { lastError?: Error } {
    const client: Redis & { lastError?: Error } = new Redis({ host: this.host, port: this.port, ...options });
    client.on('error', (error: Error) => {
      client.lastError = error;
    });
    return client;
  }

  /** Kills the server with SIGKILL (no shutdown, no save) and waits until it is gone. */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await exited(this.child);
  }

  /** Starts the server again on the same port and folder, after `kill` (or a crash). */
  async restart(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) await this.kill();
    this.child = await launch(this.args, this.dir);
  }

  /** SIGTERM, waits for the exit (SIGKILL when it takes too long) and removes the folder. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited(this.child);
      clearTimeout(timer);
    }
    await rm(this.dir, { recursive: true, force: true });
  }
}

function serverArgs(port: number, busPort: number | undefined, dir: string, options: RedisServerOptions): string[] {
  const args = [
    '--port',
    String(port),
    '--bind',
    HOST,
    '--dir',
    dir,
    // No snapshots: a test server keeps nothing it was not asked to.
    '--save',
    '',
    '--appendonly',
    options.appendOnly ? 'yes' : 'no',
    '--appendfsync',
    'always',
    // The log goes to stdout, which `launch` reads for the ready line.
    '--logfile',
    '',
    '--daemonize',
    'no',
  ];
  if (options.cluster && busPort !== undefined) {
    args.push(
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      join(dir, 'nodes.conf'),
      '--cluster-port',
      String(busPort),
      '--cluster-node-timeout',
      String(options.cluster.nodeTimeoutMs),
    );
  }
  return args;
}

/** Starts one redis-server in a new temporary folder. */
export function startRedis(options: { appendOnly?: boolean } = {}): Promise<RedisServer> {
  return RedisServer.start({ appendOnly: options.appendOnly ?? false });
}

export interface RedisClusterOptions {
  /** How many masters, without replicas; Redis Cluster needs at least 3. */
  masters?: number;
  appendOnly?: boolean;
  /**
   * How long a node may be silent before the others mark it failing (and the cluster refuses its slots). Short, so
   * fault tests see it soon; a node restarted within it is never marked.
   */
  nodeTimeoutMs?: number;
}

/** A Redis Cluster of masters without replicas, each in a subfolder of one temporary folder. */
export class RedisCluster {
  private constructor(
    readonly nodes: RedisServer[],
    readonly dir: string,
  ) {}

  static async start(options: RedisClusterOptions = {}): Promise<RedisCluster> {
    const masters = options.masters ?? 3;
    if (masters < 3) throw new Error(`a Redis Cluster needs at least 3 masters, not ${masters}`);
    const dir = await mkdtemp(join(tmpdir(), 'klarna-mock-redis-cluster-'));
    const settled = await Promise.allSettled(
      Array.from({ length: masters }, (_, index) =>
        RedisServer.start(
          { appendOnly: options.appendOnly ?? false, cluster: { nodeTimeoutMs: options.nodeTimeoutMs ?? 2_000 } },
          join(dir, `node-${index}`),
        ),
      ),
    );
    const nodes = settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    const cluster = new RedisCluster(nodes, dir);
    try {
      const failed = settled.find((result) => result.status === 'rejected');
      if (failed) throw failed.reason;
      // redis-cli assigns the 16384 slots evenly, joins the nodes and waits until they agree on the configuration.
      await execFileAsync(
        DEBIAN_REDIS_CLI,
        ['--cluster', 'create', ...nodes.map((node) => node.address), '--cluster-replicas', '0', '--cluster-yes'],
        { timeout: 30_000 },
      );
      await cluster.untilOk();
      return cluster;
    } catch (error) {
      await cluster.stop();
      throw error;
    }
  }

  /** Where a cluster client starts: every node. */
  get startupNodes(): { host: string; port: number }[] {
    return this.nodes.map((node) => ({ host: node.host, port: node.port }));
  }

  /** A cluster client, which the caller quits; its connection errors are kept on `lastError`, as for one node. */
  client(options: ClusterOptions = {}): Cluster & { lastError?: Error } {
    const client: Cluster & { lastError?: Error } = new Cluster(this.startupNodes, options);
    client.on('error', (error: Error) => {
      client.lastError = error;
    });
    return client;
  }

  /**
   * Kills node `index` with SIGKILL, starts it again on its port and folder, and waits until the cluster is ok: about
   * 2 s, since a restarted master declares itself ok only after Redis's writable delay (CLUSTER_WRITABLE_DELAY).
   */
  async killAndRestart(index: number): Promise<void> {
    const node = this.nodes[index];
    if (!node) throw new Error(`no node ${index} in a cluster of ${this.nodes.length}`);
    await node.kill();
    await node.restart();
    await this.untilOk();
  }

  /** Resolves once every node reports `cluster_state:ok`; fails with each node's last state after a bounded wait. */
  async untilOk(): Promise<void> {
    const clients = this.nodes.map((node) => node.client({ maxRetriesPerRequest: 1 }));
    const states = new Map<string, string>();
    try {
      for (let attempt = 0; attempt < CLUSTER_OK_ATTEMPTS; attempt++) {
        const answers = await Promise.all(
          clients.map((client) => client.cluster('INFO').catch((error: Error) => `error: ${error.message}`)),
        );
        answers.forEach((answer, index) => {
          states.set(this.nodes[index]?.address ?? String(index), answer.match(/cluster_state:(\w+)/)?.[1] ?? answer);
        });
        if ([...states.values()].every((state) => state === 'ok')) return;
        await pause(CLUSTER_OK_PAUSE_MS);
      }
    } finally {
      for (const client of clients) client.disconnect();
    }
    const report = [...states].map(([address, state]) => `${address} ${state}`).join(', ');
    throw new Error(`the cluster was not ok after ${CLUSTER_OK_ATTEMPTS} checks: ${report}`);
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.stop()));
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** Starts a Redis Cluster (3 masters unless told) and waits until every node says `cluster_state:ok`. */
export function startRedisCluster(options: RedisClusterOptions = {}): Promise<RedisCluster> {
  return RedisCluster.start(options);
}
