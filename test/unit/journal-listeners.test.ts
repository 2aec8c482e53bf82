import { describe, expect, it } from 'vitest';
import { Journal, type RecordNote } from '../../mock-server/core/journal/journal.js';
import { journalRecord } from '../support/journal-record.js';

let arrived = 0;
const record = (account: string, id: string) =>
  journalRecord({ seq: ++arrived, id, account, bodyText: '{}', bodyLength: 2, result: 'APPROVED', valid: true });

const journal = () =>
  new Journal({ perAccount: 10, accounts: 10, maxAgeMs: Number.POSITIVE_INFINITY, maxBytes: 1e9, now: () => 0 });

describe('journal listeners', () => {
  it('tells each listener of every record kept, after it can be read, until the listener stops', () => {
    const j = journal();
    const heard: RecordNote[] = [];
    const readable: string[][] = [];
    const stop = j.onRecord((note) => {
      heard.push(note);
      readable.push(j.entries(note.account).map((e) => e.id));
    });
    const a = record('a', 'a1');
    j.record(a);
    j.record(record('b', 'b1'));
    stop();
    j.record(record('a', 'a2'));
    expect(heard).toEqual([
      { seq: a.seq, id: 'a1', account: 'a' },
      { seq: a.seq + 1, id: 'b1', account: 'b' },
    ]);
    expect(readable).toEqual([['a1'], ['b1']]);
  });

  it('lists the accounts it keeps records of, the most recently recorded first, up to a limit', () => {
    const j = journal();
    for (const [account, id] of [
      ['a', 'a1'],
      ['b', 'b1'],
      ['c', 'c1'],
      ['a', 'a2'],
    ] as const) {
      j.record(record(account, id));
    }
    expect(j.accounts()).toEqual(['a', 'c', 'b']);
    expect(j.accounts(2)).toEqual(['a', 'c']);
    j.reset('c');
    expect(j.accounts()).toEqual(['a', 'b']);
  });
});
