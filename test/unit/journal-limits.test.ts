import { describe, expect, it } from 'vitest';
import { Journal, recordBytes } from '../../mock-server/core/journal/journal.js';
import { journalRecord } from '../support/journal-record.js';

let arrived = 0;
const record = (account: string, id: string, time = 0) =>
  journalRecord({
    seq: ++arrived,
    id,
    time,
    account,
    headers: { 'content-type': 'application/json' },
    bodyText: '{"currency":"USD"}',
    bodyLength: 18,
    result: 'APPROVED',
    fingerprint: 'fp',
    valid: true,
  });

const SIZE = recordBytes(record('a', 'x'));
const journal = (
  over: { maxBytes?: number; perAccount?: number; accounts?: number; onFull?: (message: string) => void } = {},
) =>
  new Journal({
    perAccount: 100,
    accounts: 100,
    maxAgeMs: Number.POSITIVE_INFINITY,
    now: () => 0,
    maxBytes: 1e9,
    ...over,
  });
const ids = (j: Journal) => j.entries().map((e) => e.id);

describe('journal limits', () => {
  it('keeps its estimated bytes under maxBytes: the least recently used account loses its oldest records first', () => {
    const j = journal({ maxBytes: 4 * SIZE });
    for (const id of ['a1', 'a2', 'a3']) j.record(record('a', id));
    for (const id of ['b1', 'b2']) j.record(record('b', id));
    expect(ids(j).sort()).toEqual(['a2', 'a3', 'b1', 'b2']);
    j.record(record('a', 'a4')); // a is now the most recently used: b gives way
    expect(ids(j).sort()).toEqual(['a2', 'a3', 'a4', 'b2']);
  });

  it('gives the bytes of an overwritten, reset or evicted account back', () => {
    const j = journal({ maxBytes: 3 * SIZE, perAccount: 2, accounts: 2 });
    for (const id of ['a1', 'a2', 'a3']) j.record(record('a', id)); // a3 overwrites a1 in the ring of 2
    j.record(record('b', 'b1'));
    expect(ids(j).sort()).toEqual(['a2', 'a3', 'b1']);
    j.reset('a'); // gives a's two records back
    for (const id of ['c1', 'c2']) j.record(record('c', id));
    expect(ids(j).sort()).toEqual(['b1', 'c1', 'c2']);
    j.record(record('d', 'd1')); // a third account: b, the least recently used, is forgotten and gives b1 back
    expect(ids(j).sort()).toEqual(['c1', 'c2', 'd1']);
  });

  it('lists records in the order they arrived, whatever the times on their account clocks say', () => {
    const j = journal();
    j.record(record('a', 'a1', 5_000));
    j.record(record('b', 'b1', 9_000)); // b's clock runs ahead
    j.record(record('a', 'a2', 1_000)); // a's clock was moved back
    expect(ids(j)).toEqual(['a1', 'b1', 'a2']);
    expect(j.entries('a').map((e) => e.id)).toEqual(['a1', 'a2']);
  });

  it('always keeps the record just made, even alone over the budget', () => {
    const j = journal({ maxBytes: 1 });
    j.record(record('a', 'a1'));
    j.record(record('a', 'a2'));
    expect(ids(j)).toEqual(['a2']);
  });
});

describe('when the journal is full', () => {
  it.each([
    ['its bytes', { maxBytes: SIZE * 2 }, 'over'],
    ['its accounts', { accounts: 2 }, 'more than 2 accounts'],
  ] as const)('says so once, when %s make records go', (_name, over, why) => {
    const messages: string[] = [];
    const j = journal({ ...over, onFull: (message) => messages.push(message) });
    for (const account of ['a', 'b', 'c', 'd']) j.record(record(account, `${account}1`));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(why);
  });
});

describe('a page of the journal', () => {
  const filled = () => {
    const j = journal();
    for (const id of ['a1', 'a2', 'a3', 'a4', 'a5']) j.record(record('a', id));
    return j;
  };
  const idsOf = (page: { entries: { id: string }[] }) => page.entries.map((e) => e.id);

  it.each([
    ['the newest `limit`, oldest first', { limit: 2 }, ['a4', 'a5'], true],
    ['after skipping the newest `offset`', { limit: 2, offset: 2 }, ['a2', 'a3'], true],
    ['the last page, not truncated', { limit: 2, offset: 3 }, ['a1', 'a2'], false],
    ['everything when it fits', {}, ['a1', 'a2', 'a3', 'a4', 'a5'], false],
    ['an offset past the end: nothing', { offset: 9 }, [], false],
    ['at most `maxBytes` of body text, and at least one entry', { maxBytes: 1 }, ['a5'], true],
  ] as const)('is %s', (_name, page, expected, truncated) => {
    const result = filled().page('a', page);
    expect(idsOf(result)).toEqual(expected);
    expect(result.truncated).toBe(truncated);
    expect(result.total).toBe(5);
  });
});
