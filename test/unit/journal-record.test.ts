import { describe, expect, it } from 'vitest';
import {
  decodeApart,
  decodeRecord,
  encodeApart,
  encodeRecord,
  type JournalRecord,
} from '../../mock-server/core/journal/journal-record.js';

/** Every field set, no two alike: a field written in another's place cannot decode as the record. */
const RECORD: JournalRecord = {
  seq: 7,
  account: 'acc',
  id: 'id-1',
  time: 1_700_000_000_000,
  method: 'POST',
  path: '/v2/accounts/acc/payment/authorize',
  headers: { 'content-type': 'application/json', 'x-list': ['a', 'b'] },
  bodyText: '{"currency":"SEK"}',
  bodyLength: 18,
  status: 200,
  fault: 'reset',
  result: 'APPROVED',
  scenario: 'approve',
  replayed: true,
  clientError: { code: 'VALIDATION_ERROR', message: 'bad', validationErrors: [{ parameter: 'x', reason: 'y' }] },
  unknownFields: ['extra'],
  fingerprint: 'fp',
  idempotencyKey: 'key',
  valid: false,
  stepUpAmount: 100,
  durationMs: 1.5,
};

describe('a journal record as kept', () => {
  it('decodes to every field it was encoded with, in its place', () => {
    expect(decodeRecord(encodeRecord(RECORD), RECORD.seq, RECORD.account)).toEqual(RECORD);
    const [head, tail] = encodeApart(RECORD);
    expect(tail).toBe(RECORD.bodyText);
    expect(decodeApart(head, tail, RECORD.seq, RECORD.account)).toEqual(RECORD);
  });

  it('writes an absent field as null and reads it back absent', () => {
    const sparse: JournalRecord = {
      ...RECORD,
      bodyText: undefined,
      bodyLength: undefined,
      fault: undefined,
      clientError: undefined,
      durationMs: undefined,
    };
    const text = encodeRecord(sparse);
    expect(JSON.parse(text)).toContain(null);
    const back = decodeRecord(text, sparse.seq, sparse.account);
    expect(back).toEqual(sparse);
    expect(decodeApart(...encodeApart(sparse), sparse.seq, sparse.account)).toEqual(sparse);
  });
});
