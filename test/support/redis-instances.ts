import { buildApp, type MockApp } from '../../mock-server/app/build-app.js';
import { openAnswerStore } from '../../mock-server/app/open-answer-store.js';
import { type MockConfigInput, parseMockConfig } from '../../mock-server/core/config.js';
import type { RedisAnswerStore } from '../../mock-server/io/redis/redis-answer-store.js';
import { listening } from './test-app.js';

/** One simulator instance of a test over real HTTP, with its own connection to the shared store. */
export interface Instance {
  app: MockApp;
  base: string;
  store: RedisAnswerStore;
}

/**
 * Three simulators on port 0, each with its own connection to the store at `url`, as three processes would; `config`
 * is every instance's other settings.
 */
export async function startThree(url: string, config: MockConfigInput = {}): Promise<Instance[]> {
  const settings = { ...config, store: url };
  const parsed = parseMockConfig(settings);
  if (!parsed.success) throw parsed.error;
  return Promise.all(
    [0, 1, 2].map(async () => {
      const store = await openAnswerStore(parsed.data, () => {});
      if (!store) throw new Error('memory store');
      const app = await buildApp({ config: settings, answerStore: store, logger: false });
      return { app, base: await listening(app), store };
    }),
  );
}

/** Closes every instance, then its connection. */
export async function stopAll(instances: Instance[]): Promise<void> {
  await Promise.all(instances.map((instance) => instance.app.close()));
  for (const instance of instances) instance.store.close();
}

/** Resolves once every instance's connection is ready again (after the server was restarted). */
export function allReady(instances: Instance[]): Promise<unknown> {
  return Promise.all(
    instances.map(({ store }) =>
      store.client.status === 'ready'
        ? undefined
        : new Promise((resolve) => store.client.once('ready', () => resolve(undefined))),
    ),
  );
}
