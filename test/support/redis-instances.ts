import { afterAll, beforeAll, beforeEach } from 'vitest';
import { buildApp, type MockApp } from '../../mock-server/app/build-app.js';
import { openAnswerStore } from '../../mock-server/app/open-answer-store.js';
import { parseMockConfig } from '../../mock-server/core/config.js';
import type { RedisAnswerStore } from '../../mock-server/io/redis/redis-answer-store.js';
import { machineRedis, needsRedis } from './redis-server.js';
import { listening } from './test-app.js';

/** One simulator over real HTTP with its own connection to a shared Redis, as one process of several would be. */
export interface Instance {
  app: MockApp;
  base: string;
  store: RedisAnswerStore;
}

/** Three simulators on port 0, each with its own connection to the store at `url`, as three processes would. */
export async function startThree(url: string): Promise<Instance[]> {
  const parsed = parseMockConfig({ store: url });
  if (!parsed.success) throw parsed.error;
  return Promise.all(
    [0, 1, 2].map(async () => {
      const store = await openAnswerStore(parsed.data, () => {});
      if (!store) throw new Error('memory store');
      const app = await buildApp({ config: { store: url }, answerStore: store, logger: false });
      return { app, base: await listening(app), store };
    }),
  );
}

export async function stopAll(instances: Instance[]): Promise<void> {
  await Promise.all(instances.map((instance) => instance.app.close()));
  for (const instance of instances) instance.store.close();
}

/**
 * Three instances over the Redis that `start` brings up (one server, a Cluster), for the tests of the enclosing
 * block: started before them (skipped without redis-server) and stopped after, the Redis with them.
 */
export function threeInstancesOver(start: () => Promise<{ url: string; stop: () => Promise<void> }>): () => Instance[] {
  let instances: Instance[] = [];
  let stop = async () => {};
  beforeEach(needsRedis);
  beforeAll(async () => {
    if (machineRedis()) return;
    const redis = await start();
    stop = redis.stop;
    instances = await startThree(redis.url);
  }, 30_000);
  afterAll(async () => {
    await stopAll(instances);
    await stop();
  });
  return () => instances;
}
