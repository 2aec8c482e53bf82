import { setTimeout as wait } from 'node:timers/promises';

/** Waits `ms`, or less if the signal fires first. Tests inject their own and never wait for real. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const realSleep: Sleep = (ms, signal) =>
  wait(ms, undefined, signal ? { signal } : {}).then(
    () => undefined,
    () => undefined,
  );
