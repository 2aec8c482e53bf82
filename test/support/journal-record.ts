import type { JournalRecord } from '../../mock-server/core/journal/journal-record.js';

/**
 * A journal record of an answered authorize request (200, not validated, no body) for the journal's unit tests;
 * each test gives what it is about. A new object every call: the journal fills in fields of what it records.
 */
export function journalRecord(fields: Partial<JournalRecord> & Pick<JournalRecord, 'seq' | 'id' | 'account'>) {
  const record: JournalRecord = {
    time: 0,
    method: 'POST',
    path: '/v2/accounts/x/payment/authorize',
    headers: {},
    bodyText: undefined,
    bodyLength: undefined,
    status: 200,
    fault: undefined,
    result: undefined,
    scenario: undefined,
    replayed: false,
    clientError: undefined,
    unknownFields: [],
    fingerprint: undefined,
    idempotencyKey: undefined,
    valid: false,
    stepUpAmount: undefined,
    ...fields,
  };
  return record;
}
