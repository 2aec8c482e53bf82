import type { Sleep } from '../../mock-server/io/sleep.js';

/**
 * A Sleep that never waits for real: it records each requested wait, and either returns at once or holds until
 * the test releases it.
 */
export function recordingSleep(mode: 'immediate' | 'held' = 'immediate') {
  const waits: number[] = [];
  const held: Array<() => void> = [];
  let arrived: (() => void) | undefined;
  const sleep: Sleep = (ms, signal) => {
    waits.push(ms);
    arrived?.();
    if (mode === 'immediate') return Promise.resolve();
    return new Promise<void>((resolve) => {
      held.push(resolve);
      signal?.addEventListener('abort', () => resolve(), { once: true });
    });
  };
  return {
    sleep,
    waits,
    /** Resolves once a request has started waiting. */
    nextWait: () =>
      new Promise<void>((resolve) => {
        arrived = resolve;
      }),
    releaseAll: () => {
      for (const release of held.splice(0)) release();
    },
  };
}
