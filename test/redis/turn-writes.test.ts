import { type Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseStoreLocation } from '../../mock-server/core/store/store-location.js';
import { openRedisStore } from '../../mock-server/io/redis/open-redis-store.js';
import { redisTtls } from '../../mock-server/io/redis/redis-answer-store.js';
import { writeOncePerTurn } from '../../mock-server/io/redis/turn-writes.js';
import { machineRedis, needsRedis, type RedisServer, startRedis, startRedisCluster } from '../support/redis-server.js';

// writeOncePerTurn (io/redis/turn-writes.ts) against a real redis-server: the commands of one turn reach Redis in one
// read, every reply comes back to its own command, and the next turn and a new connection are written as well.

describe('commands written once per turn', () => {
  beforeEach(needsRedis);
  let server: RedisServer | undefined;
  const clients: Redis[] = [];

  beforeAll(async () => {
    if (machineRedis()) return;
    server = await startRedis();
  }, 30_000);
  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await server?.stop();
  });

  const connect = async () => {
    const client = new Redis(`redis://${server?.address}/0`, { lazyConnect: true, enableOfflineQueue: false });
    clients.push(client);
    writeOncePerTurn(client);
    await client.connect();
    return client;
  };

  /** Redis's count of the reads it made from its clients' sockets. */
  const reads = async (client: Redis) => Number(/total_reads_processed:(\d+)/.exec(await client.info('stats'))?.[1]);

  it('sends the commands of one turn in one write, each reply to its own command', async () => {
    const client = await connect();
    const before = await reads(client);
    const sent = Array.from({ length: 50 }, (_, i) => client.echo(`reply ${i}`));
    // Corked until the turn ends: nothing has left yet.
    expect(client.stream.writableCorked).toBe(1);
    expect(await Promise.all(sent)).toEqual(Array.from({ length: 50 }, (_, i) => `reply ${i}`));
    expect(client.stream.writableCorked).toBe(0);
    // The 50 commands in one read, and the INFO after them in another.
    expect((await reads(client)) - before).toBe(2);
  });

  it('writes each later turn, and on a new connection after the old one was killed', async () => {
    const client = await connect();
    for (let turn = 0; turn < 3; turn++) expect(await client.incr('turns')).toBe(turn + 1);
    const id = await client.client('ID');
    const ready = new Promise((resolve) => client.once('ready', resolve));
    const admin = (server as RedisServer).client();
    clients.push(admin);
    await admin.client('KILL', 'ID', String(id));
    await ready;
    expect(await client.client('ID')).not.toBe(id);
    const sent = await Promise.all([client.incr('turns'), client.incr('turns')]);
    expect(sent).toEqual([4, 5]);
  });

  it("is how the store's connections write, to one server and to each node of a Cluster", async () => {
    const cluster = await startRedisCluster();
    try {
      const ttls = redisTtls({ idempotencyWindowMs: 60_000, sessionTokenTtlMs: 60_000, paymentRequestTtlMs: 60_000 });
      const nodes = cluster.startupNodes.map((node) => `${node.host}:${node.port}`).join(',');
      for (const url of [`redis://${server?.address}/0`, `redis-cluster://${nodes}`]) {
        const location = parseStoreLocation(url);
        if ('error' in location || location.kind === 'memory') throw new Error(`bad url ${url}`);
        const store = await openRedisStore(url, location, { ttls });
        try {
          const connections = (
            location.kind === 'cluster' ? (store.client as Cluster).nodes('master') : [store.client]
          ) as Redis[];
          // A Cluster connects to a node when it first has a command for it.
          await Promise.all(connections.map((connection) => connection.ping()));
          // Keys in many slots: on the Cluster, every master gets some.
          const sent = Array.from({ length: 30 }, (_, i) => store.client.set(`turn:{${i}}`, String(i)));
          expect(connections.map((connection) => connection.stream.writableCorked)).toEqual(connections.map(() => 1));
          expect(await Promise.all(sent)).toEqual(sent.map(() => 'OK'));
        } finally {
          store.close();
        }
      }
    } finally {
      await cluster.stop();
    }
  }, 60_000);
});
