import { describe, expect, it } from 'vitest';
import { Journal } from '../../mock-server/core/journal/journal.js';
import { encodeRecord } from '../../mock-server/core/journal/journal-record.js';
import { journalRecord } from '../support/journal-record.js';

let arrived = 0;
const record = (account: string, id: string, time = 0, bodyText = '{"currency":"USD"}') =>
  journalRecord({
    seq: ++arrived,
    id,
    time,
    account,
    headers: { 'content-type': 'application/json' },
    bodyText,
    bodyLength: bodyText.length,
    result: 'APPROVED',
    fingerprint: 'fp',
    valid: true,
  });

/** A body that makes a record 10 KB as kept: the text ring holds at least 32 KB, one record at its largest. */
const LARGE = `{"note":"${'x'.repeat(10_000)}"}`;
const large = (account: string, id: string) => record(account, id, 0, LARGE);
const SIZE = Buffer.byteLength(encodeRecord(large('a', 'x1')));
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
  it('keeps its records within maxBytes as kept: the oldest records, of any account, go first', () => {
    const j = journal({ maxBytes: 4 * SIZE });
    for (const id of ['a1', 'a2', 'a3']) j.record(large('a', id));
    for (const id of ['b1', 'b2']) j.record(large('b', id));
    expect(ids(j)).toEqual(['a2', 'a3', 'b1', 'b2']);
    j.record(large('a', 'a4'));
    expect(ids(j)).toEqual(['a3', 'b1', 'b2', 'a4']);
    expect(j.entries('b').map((e) => e.id)).toEqual(['b1', 'b2']);
  });

  it('forgets the records of an account overwritten in its ring, reset, or evicted', () => {
    const j = journal({ perAccount: 2, accounts: 2 });
    for (const id of ['a1', 'a2', 'a3']) j.record(record('a', id)); // a3 overwrites a1 in the ring of 2
    j.record(record('b', 'b1'));
    expect(ids(j).sort()).toEqual(['a2', 'a3', 'b1']);
    j.reset('a');
    for (const id of ['c1', 'c2']) j.record(record('c', id));
    expect(ids(j).sort()).toEqual(['b1', 'c1', 'c2']);
    j.record(record('d', 'd1')); // a third account: b, the least recently used, is forgotten
    expect(ids(j).sort()).toEqual(['c1', 'c2', 'd1']);
  });

  it('keeps an account ring of any size: it grows as records come, up to perAccount', () => {
    const j = journal({ perAccount: 40 });
    for (let i = 1; i <= 100; i++) j.record(record('a', `a${i}`));
    expect(ids(j)).toEqual(Array.from({ length: 40 }, (_, i) => `a${i + 61}`));
  });

  it('reads back every field of a record as it was kept', () => {
    const j = journal();
    const kept = journalRecord({
      seq: ++arrived,
      id: 'r1',
      account: 'a',
      time: 1234,
      headers: { authorization: 'Basic s', 'x-note': 'Grüße \u2028 😀 "q"', 'x-list': ['a=1', 'b=2'] },
      bodyText: '{"currency":"SEK","é":"😀"}',
      bodyLength: 27,
      status: 400,
      clientError: { code: 'VALIDATION_ERROR', message: 'bad', validationErrors: [{ parameter: 'x', reason: 'y' }] },
      unknownFields: ['extra'],
      idempotencyKey: 'k',
      stepUpAmount: 100,
    });
    j.record(structuredClone(kept));
    const [entry] = j.entries('a');
    expect(entry?.body).toEqual({ currency: 'SEK', é: '😀' });
    expect(entry?.headers['x-note']).toBe(kept.headers['x-note']);
    expect(entry?.headers['x-list']).toEqual(['a=1', 'b=2']);
    expect(entry?.headers.authorization).not.toBe('Basic s');
    expect(entry?.status).toBe(400);
    expect(entry?.time).toBe(new Date(1234).toISOString());
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
    const huge = (id: string) => record('a', id, 0, `{"note":"${'x'.repeat(20_000)}"}`);
    j.record(huge('a1'));
    j.record(huge('a2'));
    expect(ids(j)).toEqual(['a2']);
  });
});

describe('when the journal is full', () => {
  it.each([
    ['its bytes', { maxBytes: SIZE * 3 }, 'over'],
    ['its accounts', { accounts: 2 }, 'more than 2 accounts'],
  ] as const)('says so once, when %s make records go', (_name, over, why) => {
    const messages: string[] = [];
    const j = journal({ ...over, onFull: (message) => messages.push(message) });
    for (const account of ['a', 'b', 'c', 'd']) j.record(large(account, `${account}1`));
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

describe('a record as the memory journal keeps it', () => {
  it('keeps a body of any UTF-8 apart from the rest, and one that would pass 32 KB as a marker of its length', () => {
    const j = journal();
    const bodies = ['{"a":"\\"quoted\\" \\u2028 😀 é"}', '', `{"big":"${'😀'.repeat(9_000)}"}`];
    bodies.forEach((bodyText, i) => {
      j.record(record('a', `r${i}`, 0, bodyText));
    });
    const shown = j.entries('a').map((entry) => entry.body);
    expect(shown[0]).toEqual({ a: '"quoted" \u2028 😀 é' });
    expect(shown[1]).toBe('');
    // 9,000 emoji are 36 KB of UTF-8: over MAX_RECORD_BYTES.
    expect(shown[2]).toEqual({ truncated: true, characters: bodies[2]?.length });
  });
});
