import type { ClusterOptions, Redis, RedisOptions } from 'ioredis';
import { describeStoreLocation, type StoreLocation } from '../../core/store/store-location.js';
import { RedisAnswerStore, type RedisTtls } from './redis-answer-store.js';
import type { RedisClient } from './redis-commands.js';
import { writeOncePerTurn } from './turn-writes.js';

/** Redis could not be reached at start: the command line exits 2 with this message (the address and the reason). */
export class StoreUnreachable extends Error {
  constructor(address: string, reason: string) {
    super(`the store ${address} cannot be reached: ${reason}`);
    this.name = 'StoreUnreachable';
  }
}

/** How long the start-up check waits for PING before it gives up. */
const START_TIMEOUT_MS = 5_000;

/**
 * Never queue commands while Redis is away (a request gets its 503 at once instead of hanging), give up on a
 * command Redis does not answer in 2 s, and reconnect in the background every second at most: serving resumes by
 * itself when Redis returns.
 */
const CONNECTION: RedisOptions = {
  lazyConnect: true,
  // Off: the commands of one turn leave in one write by writeOncePerTurn instead, at less than half the CPU.
  enableAutoPipelining: false,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  commandTimeout: 2_000,
  connectTimeout: 2_000,
  retryStrategy: (times) => Math.min(times * 100, 1_000),
};

export interface OpenRedisOptions {
  ttls: RedisTtls;
  namespace?: string;
  /** Where connection losses and failed commands are reported (once per loss, not per retry). */
  warn?: (message: string) => void;
}

/**
 * Connects to the Redis (one server or a Cluster) `location` names and checks that it answers PING, or rejects with
 * StoreUnreachable.
 */
export async function openRedisStore(
  text: string,
  location: Exclude<StoreLocation, { kind: 'memory' }>,
  options: OpenRedisOptions,
): Promise<RedisAnswerStore> {
  const address = describeStoreLocation(text);
  // Loaded only here: an instance on the memory store (the default) never reads ioredis (the bundle leaves it out).
  const { Cluster, Redis } = await import('ioredis');
  const client = location.kind === 'cluster' ? clusterClient(Cluster, location) : singleClient(Redis, location.url);
  let lastError: Error | undefined;
  // Quiet until started: a failed start is one StoreUnreachable, not a warning per attempt.
  let started = false;
  let down = false;
  const lost = (reason: string) => {
    if (started && !down) options.warn?.(`the store ${address} is unreachable (${reason}); reconnecting`);
    down = true;
  };
  client.on('error', (error: Error) => {
    lastError = error;
    lost(error.message);
  });
  // A server that dies closes the connection without an error; the reconnection attempts may then fail with one.
  client.on('close', () => lost('the connection closed'));
  client.on('ready', () => {
    if (started && down) options.warn?.(`the store ${address} is reachable again`);
    down = false;
  });
  try {
    await withTimeout(
      (async () => {
        await client.connect();
        await client.ping();
      })(),
      START_TIMEOUT_MS,
    );
  } catch (error) {
    client.disconnect();
    throw new StoreUnreachable(address, reasonOf(lastError ?? (error as Error)));
  }
  started = true;
  down = false;
  return new RedisAnswerStore(client, {
    ttls: options.ttls,
    ...(options.namespace !== undefined && { namespace: options.namespace }),
    ...(options.warn !== undefined && { onError: options.warn }),
  });
}

function singleClient(Redis: typeof import('ioredis').Redis, url: string): RedisClient {
  const client = new Redis(url, CONNECTION);
  writeOncePerTurn(client);
  return client;
}

function clusterClient(
  Cluster: typeof import('ioredis').Cluster,
  location: Extract<StoreLocation, { kind: 'cluster' }>,
): RedisClient {
  const { lazyConnect, enableOfflineQueue, enableAutoPipelining: _, retryStrategy, ...perNode } = CONNECTION;
  const options: ClusterOptions = {
    lazyConnect,
    enableOfflineQueue,
    // Never on a Cluster: there a script's commands, batched across slots, failed every call (the Cluster tests).
    enableAutoPipelining: false,
    clusterRetryStrategy: (times) => Math.min(times * 100, 1_000),
    slotsRefreshTimeout: 2_000,
    redisOptions: {
      ...perNode,
      ...(location.username !== undefined && { username: location.username }),
      ...(location.password !== undefined && { password: location.password }),
      ...(location.tls && { tls: {} }),
    },
  };
  const cluster = new Cluster(location.nodes, options);
  // Each node's connection, as the Cluster makes it (at the start, and after a failover or a resharding).
  cluster.on('+node', (node: Redis) => writeOncePerTurn(node));
  return cluster;
}

/** The reason as a person reads it: the socket error's code and message, without a stack. */
function reasonOf(error: Error): string {
  // A Cluster client's own error ("Failed to refresh slots cache.") carries the last node's.
  const node = (error as Error & { lastNodeError?: Error }).lastNodeError;
  if (node !== undefined) return `${error.message} (${reasonOf(node)})`;
  const code = (error as NodeJS.ErrnoException).code;
  return code !== undefined && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer to PING within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
