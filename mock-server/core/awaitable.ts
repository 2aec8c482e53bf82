/** A value, or the promise of one: the memory store answers at once (no microtask), a shared store with a promise. */
export type Awaitable<T> = T | Promise<T>;

/**
 * `then` that stays synchronous for a value that is not a promise: a replay or a fresh answer from the memory store
 * costs no promise, while a store across processes chains as usual. A throw from `next` is thrown (value) or rejects
 * (promise), which the HTTP layer treats alike.
 */
export function andThen<T, R>(value: Awaitable<T>, next: (value: T) => Awaitable<R>): Awaitable<R> {
  return value instanceof Promise ? value.then(next) : next(value);
}

/** Runs `onError` when `work` throws or rejects, then throws on: for letting go of a lease. */
export function onFailure<T>(work: () => Awaitable<T>, onError: () => void): Awaitable<T> {
  let result: Awaitable<T>;
  try {
    result = work();
  } catch (error) {
    onError();
    throw error;
  }
  if (!(result instanceof Promise)) return result;
  return result.catch((error: unknown) => {
    onError();
    throw error;
  });
}

/** Runs `step` over the items one after another: at once when every step answers at once, else as a promise. */
export function eachInTurn<T>(items: readonly T[], step: (item: T) => Awaitable<unknown>, from = 0): Awaitable<void> {
  for (let i = from; i < items.length; i += 1) {
    const done = step(items[i] as T);
    if (done instanceof Promise) return done.then(() => eachInTurn(items, step, i + 1));
  }
}
