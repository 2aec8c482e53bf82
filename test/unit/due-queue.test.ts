import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DueQueue } from '../../mock-server/core/store/due-queue.js';

const alive = () => true;

describe('DueQueue', () => {
  it('lists the ids whose time has come, earliest first, and none before', () => {
    const queue = new DueQueue();
    queue.set('c', 30);
    queue.set('a', 10);
    queue.set('b', 20);
    expect(queue.due(5, alive)).toEqual([]);
    expect(queue.due(25, alive)).toEqual(['a', 'b']);
    expect(queue.size).toBe(3);
  });

  it('keeps an id due until it is set or deleted, as a store that lists by time does', () => {
    const queue = new DueQueue();
    queue.set('a', 10);
    queue.set('b', 10);
    expect(queue.due(10, alive)).toEqual(['a', 'b']);
    expect(queue.due(11, alive).sort()).toEqual(['a', 'b']);
    queue.set('a', 50);
    queue.delete('b');
    expect(queue.due(20, alive)).toEqual([]);
    expect(queue.due(50, alive)).toEqual(['a']);
    queue.set('a', 50);
    expect(queue.due(60, alive)).toEqual(['a']);
  });

  it('judges an id by its latest time only', () => {
    const queue = new DueQueue();
    queue.set('a', 10);
    queue.set('a', 40);
    queue.set('b', 40);
    queue.set('b', 5);
    expect(queue.due(10, alive)).toEqual(['b']);
    expect(queue.due(40, alive).sort()).toEqual(['a', 'b']);
  });

  it('lists an id again at its own time when the clock moved back', () => {
    const queue = new DueQueue();
    queue.set('a', 10);
    expect(queue.due(100, alive)).toEqual(['a']);
    expect(queue.due(5, alive)).toEqual([]);
    expect(queue.due(10, alive)).toEqual(['a']);
  });

  it('drops the ids of records no longer kept when their time comes', () => {
    const queue = new DueQueue();
    queue.set('gone', 10);
    queue.set('kept', 10);
    expect(queue.due(10, (id) => id === 'kept')).toEqual(['kept']);
    expect(queue.size).toBe(1);
    expect(queue.due(10, () => false)).toEqual([]);
    expect(queue.size).toBe(0);
  });

  it('agrees with listing every id by its time, whatever the sets, deletes and clock moves', () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('set' as const),
        id: fc.integer({ min: 0, max: 30 }),
        at: fc.integer({ max: 100 }),
      }),
      fc.record({ kind: fc.constant('delete' as const), id: fc.integer({ min: 0, max: 30 }) }),
      fc.record({ kind: fc.constant('due' as const), now: fc.integer({ min: -10, max: 110 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { minLength: 20, maxLength: 400, size: 'max' }), (ops) => {
        const queue = new DueQueue();
        const model = new Map<string, number>();
        for (const step of ops) {
          if (step.kind === 'set') {
            queue.set(String(step.id), step.at);
            model.set(String(step.id), step.at);
          } else if (step.kind === 'delete') {
            queue.delete(String(step.id));
            model.delete(String(step.id));
          } else {
            const expected = [...model].filter(([, at]) => at <= step.now).map(([id]) => id);
            expect(queue.due(step.now, alive).sort()).toEqual(expected.sort());
          }
          expect(queue.size).toBe(model.size);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('keeps its heap bounded when the same ids are set again and again', () => {
    const queue = new DueQueue();
    for (let i = 0; i < 200_000; i++) queue.set(String(i % 100), i);
    const heap = (queue as unknown as { times: number[] }).times;
    expect(heap.length).toBeLessThanOrEqual(2 * 100 + 1024 + 1);
    expect(queue.due(200_000, alive)).toHaveLength(100);
  });
});
