import type { EventEmitter } from 'node:events';
import type { FastifyInstance } from 'fastify';
import type { MockConfig } from '../../core/config.js';
import type { Scenarios } from '../../core/scenarios/scenario-engine.js';
import { type ReloadResult, watchScenarioDir } from '../../io/fixture-loader.js';

/** With watchFixtures, edited scenario files are read again; a bad edit keeps the last good set. */
export function fixtureWatch(
  app: FastifyInstance,
  config: Pick<MockConfig, 'fixturesDir' | 'watchFixtures'>,
  scenarios: Scenarios,
  events: EventEmitter<{ reload: [ReloadResult] }>,
) {
  if (config.fixturesDir === undefined || !config.watchFixtures) return;
  const stop = watchScenarioDir(config.fixturesDir, (result) => {
    if (result.ok) {
      scenarios.setFixtures(result.scenarios);
      app.log.info(`scenario files reloaded: ${result.scenarios.length} scenarios`);
    } else {
      app.log.error(`scenario files not reloaded, keeping the last good set: ${result.error}`);
    }
    events.emit('reload', result);
  });
  app.addHook('onClose', async () => stop());
}
