import { existsSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DEBIAN_REDIS_CLI,
  DEBIAN_REDIS_SERVER,
  NoRedis,
  type RedisCluster,
  type RedisLookup,
  type RedisServer,
  redisPlan,
  redisUnavailable,
  startRedis,
  startRedisCluster,
} from './redis-server.js';

const VERSION_7 = 'Redis server v=7.0.15 sha=00000000:0 malloc=jemalloc-5.3.0 bits=64 build=ae4d7c971a948f0';

/** A machine where exactly `present` exist and `redis-server --version` prints `version`. */
const machine = (present: string[], version: string | undefined, env: Record<string, string> = {}): RedisLookup => ({
  env,
  exists: (path) => present.includes(path),
  version: () => version,
});

describe('whether the Redis tests run', () => {
  it("run with Debian's redis-server 7 and redis-cli, CI or not", () => {
    const both = [DEBIAN_REDIS_SERVER, DEBIAN_REDIS_CLI];
    expect(redisPlan(machine(both, VERSION_7))).toEqual({ action: 'run', version: '7.0.15' });
    expect(redisPlan(machine(both, VERSION_7, { CI: '1' })).action).toBe('run');
  });

  it('are skipped with the reason, saying how to install it, when redis-server is missing outside CI', () => {
    const plan = redisPlan(machine([DEBIAN_REDIS_CLI], undefined));
    expect(plan).toEqual({
      action: 'skip',
      reason: expect.stringContaining('Redis tests skipped: no /usr/bin/redis-server'),
    });
    expect(plan.action === 'skip' && plan.reason).toContain('apt-get install -y redis-server');
  });

  it.each(['1', 'true'])('fail with the reason when redis-server is missing and CI=%s', (ci) => {
    const plan = redisPlan(machine([], undefined, { CI: ci }));
    expect(plan).toEqual({
      action: 'fail',
      reason: expect.stringContaining('CI is set, so the Redis tests must run, but no /usr/bin/redis-server'),
    });
  });

  it.each(['', 'false', '0'])('count CI=%j as not CI', (ci) => {
    expect(redisPlan(machine([], undefined, { CI: ci })).action).toBe('skip');
  });

  it('need redis-cli too, which creates the cluster', () => {
    const plan = redisPlan(machine([DEBIAN_REDIS_SERVER], VERSION_7, { CI: '1' }));
    expect(plan).toEqual({ action: 'fail', reason: expect.stringContaining('no /usr/bin/redis-cli') });
  });

  it('refuse a redis-server older than 7, which has no cluster-port', () => {
    const plan = redisPlan(machine([DEBIAN_REDIS_SERVER, DEBIAN_REDIS_CLI], 'Redis server v=6.0.16 sha=0'));
    expect(plan).toEqual({ action: 'skip', reason: expect.stringContaining('v=6.0.16, older than 7.0') });
  });
});

const unavailable = redisUnavailable();

/** For the tests on real servers (not the plan's above): skipped or failed with the reason when there is none. */
function needsRedis({ skip }: { skip: (note?: string) => void }): void {
  if (unavailable instanceof NoRedis) skip(unavailable.reason);
  if (unavailable instanceof Error) throw unavailable;
}

describe('one redis-server', () => {
  beforeEach(needsRedis);
  let server: RedisServer | undefined;
  beforeAll(async () => {
    if (!unavailable) server = await startRedis();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('answers PING once started, on its own port in a folder of its own', async () => {
    if (!server) throw new Error('beforeAll did not start the server');
    expect(existsSync(server.dir)).toBe(true);
    const client = server.client();
    try {
      expect(await client.ping()).toBe('PONG');
      expect(await client.config('GET', 'dir')).toEqual(['dir', server.dir]);
      expect(await client.config('GET', 'save')).toEqual(['save', '']);
    } finally {
      client.disconnect();
    }
  });

  it('reads back what was set, with its TTL', async () => {
    if (!server) throw new Error('beforeAll did not start the server');
    const client = server.client();
    try {
      expect(await client.set('krn:idempotency:abc', '{"status":200}', 'PX', 60_000, 'NX')).toBe('OK');
      expect(await client.set('krn:idempotency:abc', 'other', 'PX', 60_000, 'NX')).toBeNull();
      expect(await client.get('krn:idempotency:abc')).toBe('{"status":200}');
      expect(await client.pttl('krn:idempotency:abc')).toBeGreaterThan(59_000);
    } finally {
      client.disconnect();
    }
  });

  it('runs a Lua script that claims a key only once', async () => {
    if (!server) throw new Error('beforeAll did not start the server');
    const client = server.client();
    // Claim KEYS[1] for ARGV[1] unless another holds it; answer the holder either way.
    const claim =
      "if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return ARGV[1] end " +
      "return redis.call('GET', KEYS[1])";
    try {
      expect(await client.eval(claim, 1, 'krn:claim:1', 'first', '30000')).toBe('first');
      expect(await client.eval(claim, 1, 'krn:claim:1', 'second', '30000')).toBe('first');
    } finally {
      client.disconnect();
    }
  });

  it('stops on SIGTERM and removes its folder', async () => {
    const own = await startRedis();
    const { dir } = own;
    await own.stop();
    expect(existsSync(dir)).toBe(false);
    const client = own.client({ lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    await expect(client.connect()).rejects.toThrow(/ECONNREFUSED|Connection is closed/);
    client.disconnect();
  });
});

describe('a redis-server with an append-only file', () => {
  beforeEach(needsRedis);
  let server: RedisServer | undefined;
  beforeAll(async () => {
    if (!unavailable) server = await startRedis({ appendOnly: true });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('answers again after a SIGKILL and a restart on the same port, with every acknowledged write', async () => {
    if (!server) throw new Error('beforeAll did not start the server');
    const client = server.client();
    try {
      await client.set('krn:journal:seq', '41');
      expect(await client.incr('krn:journal:seq')).toBe(42);
      const { port, pid } = server;
      await server.kill();
      await server.restart();
      expect(server.port).toBe(port);
      expect(server.pid).not.toBe(pid);
      // The same client: ioredis reconnects by itself and sends what was queued meanwhile.
      expect(await client.get('krn:journal:seq')).toBe('42');
    } finally {
      client.disconnect();
    }
  });
});

describe('a Redis Cluster of three masters', () => {
  beforeEach(needsRedis);
  let cluster: RedisCluster | undefined;
  beforeAll(async () => {
    if (!unavailable) cluster = await startRedisCluster();
  }, 30_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('covers all 16384 slots with the three masters', async () => {
    if (!cluster) throw new Error('beforeAll did not start the cluster');
    const node = cluster.nodes[0]?.client();
    if (!node) throw new Error('no node 0');
    try {
      const info = await node.cluster('INFO');
      expect(info).toContain('cluster_state:ok');
      expect(info).toContain('cluster_slots_assigned:16384');
      expect(info).toContain('cluster_known_nodes:3');
      expect(info).toContain('cluster_size:3');
    } finally {
      node.disconnect();
    }
  });

  it('puts the keys of one partner hash tag in one slot, and other partners elsewhere', async () => {
    if (!cluster) throw new Error('beforeAll did not start the cluster');
    const client = cluster.client();
    try {
      const slots = await Promise.all(
        ['{krn:partner:p1}:idem:a', '{krn:partner:p1}:txn:b', '{krn:partner:p1}:journal'].map((key) =>
          client.cluster('KEYSLOT', key),
        ),
      );
      expect(new Set(slots).size).toBe(1);
      expect(slots[0]).toBe(await client.cluster('KEYSLOT', 'krn:partner:p1'));
      // Partners spread over the nodes: some other partner's tag lands in another slot.
      const others = await Promise.all(['p2', 'p3', 'p4'].map((p) => client.cluster('KEYSLOT', `{krn:partner:${p}}`)));
      expect(others.some((slot) => slot !== slots[0])).toBe(true);
    } finally {
      client.disconnect();
    }
  });

  it('runs a two-key Lua script on keys of one tag through the cluster client, and refuses keys of two tags', async () => {
    if (!cluster) throw new Error('beforeAll did not start the cluster');
    const client = cluster.client();
    // Record an idempotency answer and append it to the journal atomically.
    const recordAndJournal =
      "if redis.call('SET', KEYS[1], ARGV[1], 'NX') then return redis.call('RPUSH', KEYS[2], ARGV[1]) end return 0";
    try {
      const keys = ['{krn:partner:p1}:idem:k1', '{krn:partner:p1}:journal'];
      expect(await client.eval(recordAndJournal, 2, ...keys, 'answer-1')).toBe(1);
      expect(await client.eval(recordAndJournal, 2, ...keys, 'answer-2')).toBe(0);
      expect(await client.lrange('{krn:partner:p1}:journal', 0, -1)).toEqual(['answer-1']);
      await expect(
        client.eval(recordAndJournal, 2, '{krn:partner:p1}:idem:k2', '{krn:partner:p2}:journal', 'x'),
      ).rejects.toThrow(/CROSSSLOT|same slot/);
    } finally {
      client.disconnect();
    }
  });

  it('lets exactly one of many concurrent clients claim a key with SET NX and a lease', async () => {
    if (!cluster) throw new Error('beforeAll did not start the cluster');
    const clients = [cluster.client(), cluster.client(), cluster.client()];
    // The stored answer if there is one, else a lease for this claimant, else the lease holder's name.
    const claim =
      "local done = redis.call('GET', KEYS[2]) if done then return {'done', done} end " +
      "if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return {'claimed', ARGV[1]} end " +
      "return {'wait', redis.call('GET', KEYS[1])}";
    const keys = ['{krn:partner:p1}:lease:k9', '{krn:partner:p1}:idem:k9'];
    try {
      const answers = (await Promise.all(
        Array.from({ length: 60 }, (_, index) =>
          clients[index % 3]?.eval(claim, 2, ...keys, `claimant-${index}`, '5000'),
        ),
      )) as [string, string][];
      const winners = answers.filter(([state]) => state === 'claimed');
      expect(winners).toHaveLength(1);
      const winner = winners[0]?.[1];
      expect(answers.filter(([state]) => state === 'wait')).toEqual(Array(59).fill(['wait', winner]));
      await clients[0]?.set(keys[1] ?? '', 'the answer');
      expect(await clients[1]?.eval(claim, 2, ...keys, 'late', '5000')).toEqual(['done', 'the answer']);
    } finally {
      for (const client of clients) client.disconnect();
    }
  });

  it('answers again through the cluster client after a node is killed with SIGKILL and restarted', async () => {
    if (!cluster) throw new Error('beforeAll did not start the cluster');
    const client = cluster.client();
    try {
      const victim = cluster.nodes[0];
      if (!victim) throw new Error('no node 0');
      // A partner whose keys the killed node holds: CLUSTER SLOTS lists each range with its master's port.
      const ranges = await client.cluster('SLOTS');
      const onVictim = async (key: string) => {
        const slot = await client.cluster('KEYSLOT', key);
        return ranges.some(([from, to, master]) => master?.[1] === victim.port && slot >= from && slot <= to);
      };
      let key: string | undefined;
      for (let partner = 1; partner <= 50 && key === undefined; partner++) {
        const candidate = `{krn:partner:p${partner}}:k`;
        if (await onVictim(candidate)) key = candidate;
      }
      if (key === undefined) throw new Error(`no partner of 50 hashes to node 0 (${victim.address})`);
      expect(await client.set(key, 'before')).toBe('OK');
      const pid = victim.pid;
      await cluster.killAndRestart(0);
      expect(victim.pid).not.toBe(pid);
      // Without an append-only file the killed node comes back empty, but it serves its slots again.
      expect(await client.get(key)).toBeNull();
      expect(await client.set(key, 'again')).toBe('OK');
      expect(await client.get(key)).toBe('again');
    } finally {
      client.disconnect();
    }
  }, 20_000);
});
