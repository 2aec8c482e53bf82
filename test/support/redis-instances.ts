import { type BuildAppOptions, buildApp, type MockApp } from '../../mock-server/app/build-app.js';
import { openAnswerStore } from '../../mock-server/app/open-answer-store.js';
import { parseMockConfig } from '../../mock-server/core/config.js';
import type { RedisAnswerStore } from '../../mock-server/io/redis/redis-answer-store.js';
import { listening } from './test-app.js';

export interface Instance {
  app: MockApp;
  base: string;
  store: RedisAnswerStore;
}

/**
 * Simulators on port 0, each with its own connection to the store at `url`, as separate processes would; `options`
 * (a clock, a logger) per instance, by its index.
 */
export async function startInstances(
  url: string,
  count: number,
  options: (index: number) => Omit<BuildAppOptions, 'config' | 'answerStore'> = () => ({ logger: false }),
): Promise<Instance[]> {
  const parsed = parseMockConfig({ store: url });
  if (!parsed.success) throw parsed.error;
  return Promise.all(
    Array.from({ length: count }, async (_, index) => {
      const store = await openAnswerStore(parsed.data, () => {});
      if (!store) throw new Error('memory store');
      const app = await buildApp({ config: { store: url }, answerStore: store, ...options(index) });
      return { app, base: await listening(app), store };
    }),
  );
}

export async function stopInstances(instances: Instance[]): Promise<void> {
  await Promise.all(instances.map((instance) => instance.app.close()));
  for (const instance of instances) instance.store.close();
}

/** Resolves once every instance's connection is ready again (after Redis came back). */
export function reconnected(instances: Instance[]): Promise<unknown> {
  return Promise.all(
    instances.map(({ store }) =>
      store.client.status === 'ready'
        ? undefined
        : new Promise((resolve) => store.client.once('ready', () => resolve(undefined))),
    ),
  );
}
