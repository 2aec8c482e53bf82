import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NoRedis, type RedisServer, redisUnavailable, startRedis } from '../support/redis-server.js';
import { AUTHORIZE_URL } from '../support/samples.js';
import { getOnNewConnection, type SpawnedSimulator, spawnSimulator } from '../support/spawned-simulator.js';
import { closedPort } from '../support/test-app.js';

// `klarna-mock --workers 2 --store redis://…` as a user starts it: one port served by two processes (node:cluster),
// a worker that dies replaced, SIGTERM stopping all; several workers on the memory store refused at start.

const unavailable = redisUnavailable();

function needsRedis({ skip }: { skip: (note?: string) => void }): void {
  if (unavailable instanceof NoRedis) skip(unavailable.reason);
  if (unavailable instanceof Error) throw unavailable;
}

/** The pids that answer `count` health checks, each on a new connection (the primary hands connections out in turn). */
async function answeringPids(base: string, count: number): Promise<Set<number>> {
  const pids = new Set<number>();
  for (let sent = 0; sent < count; sent++) {
    const { status, body } = await getOnNewConnection(`${base}/__mock/health`);
    expect(status).toBe(200);
    pids.add((JSON.parse(body) as { pid: number }).pid);
  }
  return pids;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('--workers 2 on one Redis', () => {
  beforeEach(needsRedis);
  let server: RedisServer | undefined;
  let simulator: SpawnedSimulator | undefined;
  let base = '';

  // More than spawnSimulator's wait for a start (40 s), which only a broken child reaches.
  beforeAll(async () => {
    if (unavailable) return;
    server = await startRedis();
    simulator = spawnSimulator([
      '--port',
      '0',
      '--log-level',
      'warn',
      '--workers',
      '2',
      '--store',
      `redis://${server.address}/0`,
    ]);
    base = await simulator.ready;
  }, 60_000);
  afterAll(async () => {
    simulator?.child.kill('SIGKILL');
    await server?.stop();
  });

  it('prints one ready line naming its workers, and both workers answer on the one port', async () => {
    expect(simulator?.stdout()).toMatch(
      /^klarna-mock listening on http:\/\/127\.0\.0\.1:\d+ \(ready in \d+ ms; 2 workers\)\n$/,
    );
    const pids = await answeringPids(base, 6);
    expect(pids.size).toBe(2);
    expect(pids.has(simulator?.child.pid ?? 0)).toBe(false);
  });

  it('answers concurrent requests with one key, on separate connections, once and with the same bytes', async () => {
    const send = () =>
      fetch(base + AUTHORIZE_URL(), {
        method: 'POST',
        headers: {
          authorization: 'Basic klarna_test_api_k',
          'content-type': 'application/json',
          'klarna-idempotency-key': 'workers-same-key',
        },
        body: JSON.stringify({ currency: 'EUR', request_payment_transaction: { amount: 11800 } }),
      }).then(async (response) => ({
        status: response.status,
        body: await response.text(),
        replayed: response.headers.get('idempotent-replayed') === 'true',
      }));
    const sent = await Promise.all(Array.from({ length: 8 }, send));
    expect(sent.map((answer) => answer.status)).toEqual(Array(8).fill(200));
    expect(new Set(sent.map((answer) => answer.body)).size).toBe(1);
    expect(sent.filter((answer) => !answer.replayed)).toHaveLength(1);
  });

  it('replaces a worker that dies, saying so, and serves on', async () => {
    const [victim] = await answeringPids(base, 1);
    if (victim === undefined) throw new Error('no worker answered');
    process.kill(victim, 'SIGKILL');
    await simulator?.stderrMatching(
      new RegExp(`klarna-mock: worker ${victim} stopped unexpectedly \\(signal SIGKILL\\); starting another`),
    );
    // The new worker answers once it listens: asked a bounded number of times, each on a new connection.
    await expect.poll(async () => (await answeringPids(base, 4)).size, { timeout: 15_000, interval: 100 }).toBe(2);
    expect(await answeringPids(base, 4)).not.toContain(victim);
  });

  it('stops every worker on SIGTERM and exits 0', async () => {
    if (!simulator) throw new Error('not started');
    const workers = await answeringPids(base, 4);
    simulator.child.kill('SIGTERM');
    expect(await simulator.closed).toEqual({ code: 0, signal: null });
    for (const pid of workers) expect(alive(pid)).toBe(false);
  });
});

describe('--workers 2 on a Redis that cannot be reached', () => {
  it("stops at start with the worker's exit code 2, the reason printed once", async () => {
    const port = await closedPort();
    const simulator = spawnSimulator(['--port', '0', '--workers', '2', '--store', `redis://127.0.0.1:${port}`]);
    expect(await simulator.closed).toEqual({ code: 2, signal: null });
    expect(simulator.stderr()).toBe(
      `klarna-mock: the store redis://127.0.0.1:${port} cannot be reached: connect ECONNREFUSED 127.0.0.1:${port}\n`,
    );
    expect(simulator.stdout()).toBe('');
  });
});

describe('--workers 2 on the memory store', () => {
  it('refuses to start: exit code 2 and a message naming --store', async () => {
    const simulator = spawnSimulator(['--port', '0', '--workers', '2']);
    expect(await simulator.closed).toEqual({ code: 2, signal: null });
    expect(simulator.stderr()).toBe(
      'klarna-mock: --workers 2 needs a shared store (each worker would keep answers of its own): start with ' +
        '--store redis://host:port (or KLARNA_MOCK_STORE, or "store" in the settings file)\n' +
        'Run with --help for the options.\n',
    );
    expect(simulator.stdout()).toBe('');
  });
});
