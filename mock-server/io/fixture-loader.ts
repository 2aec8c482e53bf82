import { type FSWatcher, readdirSync, watch } from 'node:fs';
import { join } from 'node:path';
import { type Scenario, ScenarioFile } from '../../contracts/index.js';
import { BUILT_IN_SCENARIOS } from '../core/scenarios/built-in.js';
import { readJsonFile } from './read-json-file.js';

/**
 * Reads every *.json scenario file of a directory, in name order. A bad file throws with its name, the path
 * inside it and the reason, so a start stops with something to fix.
 */
export function loadScenarioDir(dir: string): Scenario[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'ENOTDIR' ? 'is not a directory' : message;
    throw new Error(`scenario directory ${dir} ${why}`);
  }
  const files = names.filter((f) => f.endsWith('.json')).sort();
  const scenarios: Scenario[] = [];
  const seen = new Map<string, string>(BUILT_IN_SCENARIOS.map((s) => [s.name, 'the built-in scenarios']));
  for (const file of files) {
    const where = join(dir, file);
    readJsonFile(where, ScenarioFile).scenarios.forEach((scenario, i) => {
      const other = seen.get(scenario.name);
      if (other !== undefined) {
        throw new Error(`${where}: scenarios[${i}].name: "${scenario.name}" is already defined in ${other}`);
      }
      seen.set(scenario.name, where);
      scenarios.push(scenario);
    });
  }
  return scenarios;
}

export type ReloadResult = { ok: true; scenarios: Scenario[] } | { ok: false; error: string };

/**
 * Reloads the directory when a file in it changes. A bad edit reports the error and the caller keeps the last
 * good set. Events arriving together are coalesced into one reload.
 */
export function watchScenarioDir(dir: string, onReload: (result: ReloadResult) => void): () => void {
  let pending: NodeJS.Timeout | undefined;
  const reload = () => {
    pending = undefined;
    try {
      onReload({ ok: true, scenarios: loadScenarioDir(dir) });
    } catch (error) {
      onReload({ ok: false, error: (error as Error).message });
    }
  };
  const watcher: FSWatcher = watch(dir, () => {
    if (pending === undefined) pending = setTimeout(reload, 50);
  });
  watcher.on('error', () => watcher.close());
  return () => {
    if (pending !== undefined) clearTimeout(pending);
    watcher.close();
  };
}
