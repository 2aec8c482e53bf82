import { buildApp, type MockApp } from '../../mock-server/app/build-app.js';
import { openAnswerStore } from '../../mock-server/app/open-answer-store.js';
import { parseMockConfig } from '../../mock-server/core/config.js';
import type { RedisAnswerStore } from '../../mock-server/io/redis/redis-answer-store.js';
import { NoRedis, redisUnavailable } from './redis-server.js';
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
