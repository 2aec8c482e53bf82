import { afterAll, beforeAll, beforeEach } from 'vitest';
import { type BuildAppOptions, buildApp, type MockApp } from '../../mock-server/app/build-app.js';
import { openAnswerStore } from '../../mock-server/app/open-answer-store.js';
import { type MockConfigInput, parseMockConfig } from '../../mock-server/core/config.js';
import type { RedisAnswerStore } from '../../mock-server/io/redis/redis-answer-store.js';
import { machineRedis, needsRedis, type RedisServer, startRedis, startRedisCluster } from './redis-server.js';
import { listening } from './test-app.js';

/** One simulator over real HTTP with its own connection to a shared Redis, as one process of several would be. */
export interface Instance {
  app: MockApp;
  base: string;
  store: RedisAnswerStore;
}

/** What one instance is built with besides its store: a clock, a logger, its other settings. */
type InstanceOptions = Omit<BuildAppOptions, 'config' | 'answerStore'> & { config?: MockConfigInput };

/**
 * Simulators on port 0, each with its own connection to the store at `url`, as separate processes would; `options`
 * per instance, by its index.
 */
export async function startInstances(
  url: string,
  count: number,
  options: (index: number) => InstanceOptions = () => ({ logger: false }),
): Promise<Instance[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, index) => {
      const { config = {}, ...rest } = options(index);
      const settings = { ...config, store: url };
      const store = await openConnection(url, settings);
      const app = await buildApp({ config: settings, answerStore: store, ...rest });
      return { app, base: await listening(app), store };
    }),
  );
}

/** Three simulators on port 0 over the store at `url`; `config` is every instance's other settings. */
export function startThree(url: string, config: MockConfigInput = {}): Promise<Instance[]> {
  return startInstances(url, 3, () => ({ logger: false, config }));
}

/** Closes every instance, then its connection. */
export async function stopAll(instances: Instance[]): Promise<void> {
  await Promise.all(instances.map((instance) => instance.app.close()));
  for (const instance of instances) instance.store.close();
}

/** Resolves once every instance's connection is ready again (after Redis came back). */
export function allReady(instances: Instance[]): Promise<unknown> {
  return Promise.all(
    instances.map(({ store }) =>
      store.client.status === 'ready'
        ? undefined
        : new Promise((resolve) => store.client.once('ready', () => resolve(undefined))),
    ),
  );
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
export async function openConnection(
  url: string,
  settings: MockConfigInput = { store: url },
): Promise<RedisAnswerStore> {
  const parsed = parseMockConfig({ ...settings, store: url });
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
    if (machineRedis()) return;
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
