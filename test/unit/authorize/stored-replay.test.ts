import { describe, expect, it } from 'vitest';
import { ACCOUNT, authorizeDeps, BODY, checked, record, rendered, storedReplayOf } from './authorize-deps.js';
import { refusalOfAsync } from './refusal.js';

const OTHER_REQUEST = {
  ...BODY,
  request_payment_transaction: { amount: 11800, payment_transaction_reference: 'order-9999' },
};
const DAY = 24 * 3_600_000;

interface Case {
  /** The headers of the answered request, or none answered. */
  first: Record<string, string> | undefined;
  /** The retry. */
  headers: Record<string, string>;
  body?: unknown;
  after?: number;
}

describe('the replay of a stored answer', () => {
  it.each<[string, Case, string]>([
    ['processes a key it never saw', { first: undefined, headers: { 'klarna-idempotency-key': 'k1' } }, 'processes'],
    [
      'replays the same request under the same key',
      { first: { 'klarna-idempotency-key': 'k1' }, headers: { 'klarna-idempotency-key': 'k1' } },
      'replays APPROVED',
    ],
    [
      'refuses another request under the same key',
      { first: { 'klarna-idempotency-key': 'k1' }, headers: { 'klarna-idempotency-key': 'k1' }, body: OTHER_REQUEST },
      '409 RESOURCE_CONFLICT',
    ],
    [
      'processes the same key again past the window',
      { first: { 'klarna-idempotency-key': 'k1' }, headers: { 'klarna-idempotency-key': 'k1' }, after: DAY },
      'processes',
    ],
    [
      'processes a request without a key or token',
      { first: { 'klarna-idempotency-key': 'k1' }, headers: {} },
      'processes',
    ],
  ])('%s', async (_name, { first, headers, body, after }, expected) => {
    const deps = authorizeDeps();
    if (first !== undefined) {
      const request = checked(deps, BODY, first);
      const decision = { result: 'APPROVED' as const, rule: 'default' };
      await record(
        request,
        decision,
        rendered(request, decision, () => '', deps),
        deps,
      );
    }
    deps.clockAt.advance(after ?? 0);
    const retry = checked(deps, body ?? BODY, headers);
    let outcome = 'processes';
    const refusal = await refusalOfAsync(async () => {
      const plan = await storedReplayOf(retry, deps);
      if (plan !== undefined) outcome = `replays ${plan.result}`;
    });
    expect(refusal === 'passes' ? outcome : refusal.split(':')[0]).toBe(expected);
  });

  it('records a new key for a replay found by its session token, answering with the same body', async () => {
    const deps = authorizeDeps({ unknownSessionTokens: 'final' });
    const first = checked(deps, BODY, { 'klarna-network-session-token': 'tok' });
    const decision = { result: 'APPROVED' as const, rule: 'session token' };
    const answer = rendered(first, decision, () => '', deps);
    await record(first, decision, answer, deps);
    const retry = checked(deps, BODY, { 'klarna-network-session-token': 'tok', 'klarna-idempotency-key': 'new' });
    expect((await storedReplayOf(retry, deps))?.action).toEqual({
      kind: 'respond',
      status: 200,
      body: answer.serialized,
      replayed: true,
    });
    expect(deps.store.keyRecord(ACCOUNT, 'new')?.body).toBe(answer.serialized);
  });
});
