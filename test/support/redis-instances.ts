import { afterAll, beforeAll, beforeEach } from 'vitest';
import { buildApp, type MockApp } from '../../mock-server/app/build-app.js';
import { openAnswerStore } from '../../mock-server/app/open-answer-store.js';
import { parseMockConfig } from '../../mock-server/core/config.js';
import type { RedisAnswerStore } from '../../mock-server/io/redis/redis-answer-store.js';
import { NoRedis, type RedisServer, redisUnavailable, startRedis, startRedisCluster } from './redis-server.js';
import { listening } from './test-app.js';

/** Why the Redis tests cannot run here, if they cannot (see redisPlan). */
export const redisMissing = redisUnavailable();

/** A `beforeEach` that skips without redis-server on a workstation, and fails in CI. */
export function needsRedis({ skip }: { skip: (note?: string) => void }): void {
  if (redisMissing instanceof NoRedis) skip(redisMissing.reason);
  if (redisMissing instanceof Error) throw redisMissing;
}

/** One simulator instance over real HTTP with its own connection to the shared store. */
export interface Instance {
  app: MockApp;
  base: string;
  store: RedisAnswerStore;
}

/** Three simulators on port 0, each with its own connection to the store at `url`, as three processes would. */
export async function startThree(url: string): Promise<Instance[]> {
  return Promise.all(
    [0, 1, 2].map(async () => {
      const store = await openConnection(url);
      const app = await buildApp({ config: { store: url }, answerStore: store, logger: false });
      return { app, base: await listening(app), store };
    }),
  );
}

export async function stopAll(instances: Instance[]): Promise<void> {
  await Promise.all(instances.map((instance) => instance.app.close()));
  for (const instance of instances) instance.store.close();
}

export type Topology = 'single' | 'cluster';

/** A Redis for one test file: one server or a Cluster of three masters, and the `store` URL that names it. */
export async function startTopology(
  topology: Topology,
): Promise<{ url: string; stop: () => Promise<void>; server?: RedisServer }> {
  if (topology === 'single') {
    const server = await startRedis();
    return { url: `redis://${server.address}/0`, stop: () => server.stop(), server };
  }
  const cluster = await startRedisCluster();
  const nodes = cluster.startupNodes.map(({ host, port }) => `${host}:${port}`).join(',');
  return { url: `redis-cluster://${nodes}`, stop: () => cluster.stop() };
}

/** One connection to the store at `url`, as one instance opens it (PINGed, no offline queue). */
export async function openConnection(url: string): Promise<RedisAnswerStore> {
  const parsed = parseMockConfig({ store: url });
  if (!parsed.success) throw parsed.error;
  const store = await openAnswerStore(parsed.data, () => {});
  if (!store) throw new Error('memory store');
  return store;
}

/**
 * Three instances on a Redis of their own for the enclosing describe: started before its tests (skipped without
 * redis-server), stopped after them.
 */
export function threeInstances(topology: Topology): {
  at: (index: number) => Instance;
  all: () => Instance[];
  /** The `store` URL of their Redis. */
  url: () => string;
  /** The single server, for fault tests. */
  server: () => RedisServer | undefined;
} {
  let redis: { url: string; stop: () => Promise<void>; server?: RedisServer } | undefined;
  let instances: Instance[] = [];
  beforeEach(needsRedis);
  beforeAll(async () => {
    if (redisMissing) return;
    const started = await startTopology(topology);
    redis = started;
    instances = await startThree(started.url);
  }, 30_000);
  afterAll(async () => {
    await stopAll(instances);
    await redis?.stop();
  });
  return {
    at: (index) => instances[index % instances.length] as Instance,
    all: () => instances,
    url: () => redis?.url ?? '',
    server: () => redis?.server,
  };
}
