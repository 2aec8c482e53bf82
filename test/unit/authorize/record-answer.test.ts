import { describe, expect, it } from 'vitest';
import type { TransactionResult } from '../../../contracts/index.js';
import { ACCOUNT, authorizeDeps, BODY, checked, record, rendered } from './authorize-deps.js';

interface Case {
  result: TransactionResult;
  headers: Record<string, string>;
  /** A session token the simulator issued before. */
  issued?: boolean;
}

describe('recording a processed answer', () => {
  it.each<[string, Case, string]>([
    [
      'keeps an approval under its key and creates its transaction',
      { result: 'APPROVED', headers: { 'klarna-idempotency-key': 'k1' } },
      'key yes, token no, used no, transactions 1',
    ],
    [
      'keeps a decline under its key, with no transaction',
      { result: 'DECLINED', headers: { 'klarna-idempotency-key': 'k1' } },
      'key yes, token no, used no, transactions 0',
    ],
    [
      'binds a final authorization to its session token and marks the token used',
      { result: 'APPROVED', headers: { 'klarna-network-session-token': 'tok' }, issued: true },
      'key no, token yes, used yes, transactions 1',
    ],
    [
      'binds an approval that carried a session token as context',
      { result: 'APPROVED', headers: { 'klarna-network-session-token': 'tok' } },
      'key no, token yes, used no, transactions 1',
    ],
    [
      'leaves a step-up that carried a session token as context unbound',
      { result: 'STEP_UP_REQUIRED', headers: { 'klarna-network-session-token': 'tok' } },
      'key no, token no, used no, transactions 0',
    ],
  ])('%s', async (_name, { result, headers, issued }, expected) => {
    const deps = authorizeDeps();
    if (issued) deps.store.issueSessionToken(ACCOUNT, 'tok', { completedAt: 0, amount: 11800, currency: 'USD' });
    const request = checked(deps, BODY, headers);
    const decision = { result, rule: 'test' };
    const answer = rendered(request, decision, () => 'http://127.0.0.1:1', deps);
    await record(request, decision, answer, deps);
    const transaction = answer.response.payment_transaction_response?.payment_transaction;
    const kept = transaction && deps.transactions.get(ACCOUNT, transaction.payment_transaction_id);
    const found = [
      `key ${deps.store.keyRecord(ACCOUNT, 'k1')?.body === answer.serialized ? 'yes' : 'no'}`,
      `token ${deps.store.tokenRecord(ACCOUNT, 'tok')?.body === answer.serialized ? 'yes' : 'no'}`,
      `used ${deps.store.issuedToken(ACCOUNT, 'tok')?.usedAt !== undefined ? 'yes' : 'no'}`,
      `transactions ${kept === undefined ? 0 : 1}`,
    ];
    expect(found.join(', ')).toBe(expected);
  });
});
