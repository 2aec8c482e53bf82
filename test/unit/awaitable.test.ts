import { describe, expect, it } from 'vitest';
import { type Awaitable, andThen, eachInTurn, onFailure } from '../../mock-server/core/awaitable.js';

/** What a chain gave back, as one line: at once or as a promise, its value or its error. */
async function shown(chain: () => Awaitable<unknown>): Promise<string> {
  let result: Awaitable<unknown>;
  try {
    result = chain();
  } catch (error) {
    return `throws ${(error as Error).message}`;
  }
  if (!(result instanceof Promise)) return `at once ${String(result)}`;
  return result.then(
    (value) => `promise ${String(value)}`,
    (error: Error) => `rejects ${error.message}`,
  );
}

const fail = (message: string) => () => {
  throw new Error(message);
};

describe('chaining what may answer at once', () => {
  it.each<[string, () => Awaitable<unknown>, string]>([
    ['stays synchronous for a value', () => andThen(1, (n) => n + 1), 'at once 2'],
    ['chains a promise', () => andThen(Promise.resolve(1), (n) => n + 1), 'promise 2'],
    ['becomes a promise when the next step is one', () => andThen(1, (n) => Promise.resolve(n + 1)), 'promise 2'],
    ['throws what the next step throws on a value', () => andThen(1, fail('boom')), 'throws boom'],
    [
      'rejects with what the next step throws on a promise',
      () => andThen(Promise.resolve(1), fail('boom')),
      'rejects boom',
    ],
  ])('%s', async (_name, chain, expected) => {
    expect(await shown(chain)).toBe(expected);
  });

  it.each<[string, () => Awaitable<unknown>, string]>([
    ['leaves a value alone', () => 'ok', 'at once ok, cleaned 0'],
    ['leaves a resolved promise alone', () => Promise.resolve('ok'), 'promise ok, cleaned 0'],
    ['cleans up after a throw and throws on', fail('boom'), 'throws boom, cleaned 1'],
    ['cleans up after a rejection and rejects on', () => Promise.reject(new Error('late')), 'rejects late, cleaned 1'],
  ])('onFailure %s', async (_name, work, expected) => {
    let cleaned = 0;
    const result = await shown(() =>
      onFailure(work, () => {
        cleaned += 1;
      }),
    );
    expect(`${result}, cleaned ${cleaned}`).toBe(expected);
  });
});

describe('eachInTurn', () => {
  it.each<[string, (n: number) => Awaitable<unknown>, string]>([
    ['visits every item at once when every step answers at once', () => undefined, 'at once undefined: 1,2,3'],
    [
      'goes on after a step that is a promise, in order',
      (n) => (n === 2 ? Promise.resolve() : undefined),
      'promise undefined: 1,2,3',
    ],
  ])('%s', async (_name, step, expected) => {
    const seen: number[] = [];
    const result = await shown(() =>
      eachInTurn([1, 2, 3], (n) => {
        seen.push(n);
        return step(n);
      }),
    );
    expect(`${result}: ${seen.join(',')}`).toBe(expected);
  });
});
