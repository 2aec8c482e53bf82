import { describe, expect, it } from 'vitest';
import { DriftTracker } from '../../mock-server/core/proxy/drift-tracker.js';

const answer = (requestId: string, status = 200) => ({ operation: 'op', status, documented: [200], requestId });
const unknown = (...unknownFields: string[]) => ({ violations: [], unknownFields, body: undefined });

describe('the drift tracker', () => {
  it('counts a field of every array element as one kind of drift, with a few examples', () => {
    const drift = new DriftTracker('http://up', { maxEntries: 10, maxBytes: 10_000, examples: 2 });
    drift.note(answer('a'), unknown('items[0].x', 'items[1].x'));
    drift.note(answer('b'), unknown('items[0].x'));
    drift.note(answer('c'), unknown('items[3].x'));
    expect(drift.report().unknown_fields).toEqual([
      { operation: 'op', status: 200, path: 'items[].x', count: 4, examples: ['a', 'a'] },
    ]);
  });

  it.each([
    { limits: { maxEntries: 2, maxBytes: 100_000, examples: 3 }, kept: 2, dropped: 3 },
    { limits: { maxEntries: 100, maxBytes: 700, examples: 3 }, kept: 3, dropped: 2 },
  ])('stops growing at its bounds ($limits), counting the kinds it drops', ({ limits, kept, dropped }) => {
    const drift = new DriftTracker('http://up', limits);
    for (const name of ['a', 'b', 'c', 'd', 'e']) drift.note(answer(name), unknown(name.repeat(20)));
    const report = drift.report();
    expect(report.unknown_fields).toHaveLength(kept);
    expect(report.dropped).toBe(dropped);
  });

  it('never shows a credential the upstream sent malformed', () => {
    const drift = new DriftTracker('http://up');
    const violation = { path: 'state_context.klarna_network_session_token', expected: 'string', received: '12345' };
    drift.note(answer('a'), { violations: [violation], unknownFields: [], body: undefined });
    expect(drift.report().violations[0]?.examples).toEqual([{ request_id: 'a', received: '[redacted]' }]);
  });

  it('names a status the operation does not document, and counts answers checked', () => {
    const drift = new DriftTracker('http://up');
    drift.note(answer('a', 418), unknown());
    drift.note(answer('b', 200), unknown());
    expect(drift.report()).toMatchObject({
      checked: 2,
      undocumented_statuses: [{ operation: 'op', status: 418, documented: [200], count: 1, examples: ['a'] }],
    });
  });
});
