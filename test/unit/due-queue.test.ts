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

  it('lists ids due at the same time in the order they were set', () => {
    const queue = new DueQueue();
    for (const id of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) queue.set(id, 10);
    queue.set('early', 5);
    expect(queue.due(10, alive)).toEqual(['early', 'a', 'b', 'c', 'd', 'e', 'f', 'g']);
  });

  it('never lists an id whose time is NaN, and lists the others', () => {
    const queue = new DueQueue();
    queue.set('a', 10);
    queue.set('b', 20);
    queue.set('bad', Number.NaN);
    queue.set('c', 5);
    expect(queue.due(100, alive)).toEqual(['c', 'a', 'b']);
  });

  it('agrees with listing every id by its time, whatever the sets, deletes, records gone and clock moves', () => {
    const id = fc.integer({ min: 0, max: 40 }).map(String);
    const op = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), id, at: fc.integer({ max: 100 }) }),
      fc.record({ kind: fc.constant('delete' as const), id }),
      // The record is gone from the store (evicted): it never comes back unless set again.
      fc.record({ kind: fc.constant('gone' as const), id }),
      fc.record({ kind: fc.constant('due' as const), now: fc.integer({ min: -10, max: 110 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { minLength: 20, maxLength: 600, size: 'max' }), (ops) => {
        const queue = new DueQueue();
        const model = new Map<string, number>();
        const gone = new Set<string>();
        const live = (key: string) => !gone.has(key);
        for (const step of ops) {
          if (step.kind === 'set') {
            queue.set(step.id, step.at);
            model.set(step.id, step.at);
            gone.delete(step.id);
          } else if (step.kind === 'delete') {
            queue.delete(step.id);
            model.delete(step.id);
          } else if (step.kind === 'gone') {
            gone.add(step.id);
          } else {
            const listed = queue.due(step.now, live);
            const expected = [...model].filter(([key, at]) => at <= step.now && live(key)).map(([key]) => key);
            expect([...listed].sort()).toEqual(expected.sort());
            expect(new Set(listed).size).toBe(listed.length);
          }
          const kept = [...model.keys()].filter(live).length;
          expect(queue.size).toBeGreaterThanOrEqual(kept);
          expect(queue.size).toBeLessThanOrEqual(model.size);
          const heap = (queue as unknown as { times: number[] }).times.length;
          expect(heap).toBeLessThanOrEqual(2 * queue.size + 16 + 1);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps its heap within twice its ids, however many come and go', () => {
    const queue = new DueQueue();
    queue.set('kept', 1_000_000);
    for (let i = 0; i < 5000; i++) {
      queue.set(`passing-${i}`, i);
      queue.delete(`passing-${i}`);
    }
    for (let i = 0; i < 5000; i++) queue.set(`leaving-${i}`, 2_000_000 + i);
    for (let i = 0; i < 5000; i++) queue.delete(`leaving-${i}`);
    expect((queue as unknown as { times: number[] }).times.length).toBeLessThanOrEqual(2 * 1 + 16 + 1);
    for (let i = 0; i < 200_000; i++) queue.set(String(i % 100), i);
    const heap = (queue as unknown as { times: number[] }).times;
    expect(heap.length).toBeLessThanOrEqual(2 * 101 + 16 + 1);
    expect(queue.due(200_000, alive)).toHaveLength(100);
  });
});
