import { describe, expect, it } from 'vitest';
import { Journal } from '../../mock-server/core/journal/journal.js';
import { journalRecord } from '../support/journal-record.js';

// Each exchange's duration, arrival to answer, on the journal's injected monotonic clock.

const record = (seq: number) =>
  journalRecord({ seq, id: `id-${seq}`, account: 'A', path: '/v2/accounts/A/payment/authorize' });

describe('the journal times each exchange', () => {
  it('records duration_ms from arrival to record, whatever order the answers go in', () => {
    let now = 1000;
    const journal = new Journal({
      perAccount: 10,
      accounts: 10,
      maxAgeMs: Number.POSITIVE_INFINITY,
      maxBytes: 1e9,
      now: () => 0,
      elapsed: () => now,
    });
    const first = journal.arrival();
    now += 5;
    const second = journal.arrival();
    now += 20.04;
    journal.record(record(second));
    now += 100;
    journal.record(record(first));
    expect(journal.entries('A').map((e) => [e.id, e.duration_ms])).toEqual([
      ['id-1', 125],
      ['id-2', 20],
    ]);
  });

  it('leaves duration_ms out of a record whose arrival it never saw', () => {
    const journal = new Journal({ perAccount: 10, accounts: 10, maxAgeMs: 1e12, maxBytes: 1e9, now: () => 0 });
    journal.record(record(7));
    expect(journal.entries('A')[0]).not.toHaveProperty('duration_ms');
  });
});
