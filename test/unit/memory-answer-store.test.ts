import { describe, expect, it } from 'vitest';
import type { StoredResponse } from '../../mock-server/core/idempotency.js';
import type { AnswerIds, Claim, Lease } from '../../mock-server/core/store/answer-store.js';
import { MemoryAnswerStore } from '../../mock-server/core/store/memory-answer-store.js';
import { Store } from '../../mock-server/core/store/store.js';
import { fakeClock } from '../support/fake-clock.js';

const A = 'krn:partner:global:account:test:AAAA';
const B = 'krn:partner:global:account:test:BBBB';
const LEASE = 1_000;

const answer = (body: string): StoredResponse => ({
  status: 200,
  body,
  result: 'APPROVED',
  fingerprint: 'f',
  createdAt: 0,
  amount: 100,
  currency: 'USD',
  finalAuthorization: false,
});

function setUp() {
  const clock = fakeClock();
  const store = new Store(100);
  return { clock, store, answers: new MemoryAnswerStore(store, clock.now) };
}

type World = ReturnType<typeof setUp>;

const leaseOf = (claim: Claim): Lease => {
  if (claim.kind !== 'claimed') throw new Error(`expected a lease, got ${claim.kind}`);
  return claim.lease;
};

/** A claim as one comparable line. */
const shown = (claim: Claim) =>
  claim.kind === 'held'
    ? `held ${claim.retryInMs} ms`
    : `${claim.kind}, key ${claim.answers.key?.body ?? '-'}, token ${claim.answers.token?.body ?? '-'}`;

/** Lets every settled promise's reactions run; nothing sleeps. */
const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('claims on the memory answer store', () => {
  it.each<[string, (world: World) => unknown, string, AnswerIds, boolean, string]>([
    ['claims a key nobody answered', async () => {}, A, { key: 'k' }, false, 'claimed, key -, token -'],
    [
      'returns what is stored under a key, taking no lease',
      async ({ store }) => store.record(A, { key: 'k' }, answer('first')),
      A,
      { key: 'k' },
      false,
      'stored, key first, token -',
    ],
    [
      'returns what is stored under a session token',
      async ({ store }) => store.record(A, { token: 't' }, answer('by token')),
      A,
      { key: 'new', token: 't' },
      false,
      'stored, key -, token by token',
    ],
    [
      'claims over a stored answer when forced, with the answer read under the lease',
      async ({ store }) => store.record(A, { key: 'k' }, answer('old')),
      A,
      { key: 'k' },
      true,
      'claimed, key old, token -',
    ],
    [
      'is held while another claim of the key runs, for the rest of its lease',
      async ({ answers, clock }) => {
        await answers.claim(A, { key: 'k' }, { leaseMs: LEASE });
        clock.advance(400);
      },
      A,
      { key: 'k' },
      false,
      'held 600 ms',
    ],
    [
      'is held while another claim shares its session token under another key',
      ({ answers }) => answers.claim(A, { key: 'k1', token: 't' }, { leaseMs: LEASE }),
      A,
      { key: 'k2', token: 't' },
      false,
      'held 1000 ms',
    ],
    [
      "claims a key another account's claim holds",
      ({ answers }) => answers.claim(B, { key: 'k' }, { leaseMs: LEASE }),
      A,
      { key: 'k' },
      false,
      'claimed, key -, token -',
    ],
    [
      'keeps a key and a token of the same text apart',
      ({ answers }) => answers.claim(A, { token: 'same' }, { leaseMs: LEASE }),
      A,
      { key: 'same' },
      false,
      'claimed, key -, token -',
    ],
    [
      'takes over a lease past its time on the injected clock',
      async ({ answers, clock }) => {
        await answers.claim(A, { key: 'k' }, { leaseMs: LEASE });
        clock.advance(LEASE);
      },
      A,
      { key: 'k' },
      false,
      'claimed, key -, token -',
    ],
    [
      'claims a key once its holder released it',
      async ({ answers }) => answers.release(leaseOf(await answers.claim(A, { key: 'k' }, { leaseMs: LEASE }))),
      A,
      { key: 'k' },
      false,
      'claimed, key -, token -',
    ],
  ])('%s', async (_name, before, account, ids, force, expected) => {
    const world = setUp();
    await before(world);
    expect(shown(await world.answers.claim(account, ids, { leaseMs: LEASE, force }))).toBe(expected);
  });

  it('refuses a claim with neither key nor token', () => {
    expect(() => setUp().answers.claim(A, {}, { leaseMs: LEASE })).toThrow('idempotency key or a session token');
  });
});

describe('commits on the memory answer store', () => {
  it('writes every effect at once and lets go of the lease', async () => {
    const { answers, store } = setUp();
    const lease = leaseOf(await answers.claim(A, { key: 'k', token: 't' }, { leaseMs: LEASE }));
    const result = await answers.commit(lease, {
      keyAnswer: answer('one'),
      tokenAnswer: answer('one'),
      sessionToken: { token: 't', issued: { completedAt: 0, usedAt: 5 } },
      customerToken: { customer_token: 'ct', scopes: ['payment:customer_present'] },
    });
    expect([
      result,
      store.keyRecord(A, 'k')?.body,
      store.tokenRecord(A, 't')?.body,
      store.issuedToken(A, 't')?.usedAt,
      store.issuedCustomerToken(A, 'ct'),
      shown(await answers.claim(A, { key: 'other', token: 't' }, { leaseMs: LEASE })),
    ]).toEqual(['committed', 'one', 'one', 5, ['payment:customer_present'], 'stored, key -, token one']);
  });

  it('keeps the first answer bound to a session token', async () => {
    const { answers, store } = setUp();
    store.record(A, { token: 't' }, answer('first'));
    const lease = leaseOf(await answers.claim(A, { key: 'k', token: 't' }, { leaseMs: LEASE, force: true }));
    await answers.commit(lease, { keyAnswer: answer('second'), tokenAnswer: answer('second') });
    expect([store.keyRecord(A, 'k')?.body, store.tokenRecord(A, 't')?.body]).toEqual(['second', 'first']);
  });

  it.each<[string, (world: World, lease: Lease) => unknown, string]>([
    [
      'commits under a lease past its time that nobody took over',
      async ({ clock }) => clock.advance(LEASE),
      'committed',
    ],
    [
      'refuses a lease another claim took over, writing nothing',
      async ({ clock, answers }) => {
        clock.advance(LEASE);
        await answers.claim(A, { key: 'k' }, { leaseMs: LEASE });
      },
      'lease-lost, key -',
    ],
    ['refuses a lease already released', async ({ answers }, lease) => answers.release(lease), 'lease-lost, key -'],
  ])('%s', async (_name, between, expected) => {
    const world = setUp();
    const lease = leaseOf(await world.answers.claim(A, { key: 'k' }, { leaseMs: LEASE }));
    await between(world, lease);
    const result = await world.answers.commit(lease, { keyAnswer: answer('late') });
    expect(result === 'committed' ? result : `${result}, key ${world.store.keyRecord(A, 'k')?.body ?? '-'}`).toBe(
      expected,
    );
  });
});

describe('waiting for a held claim on the memory answer store', () => {
  it.each<[string, (world: World, lease: Lease) => unknown, string]>([
    [
      'wakes when the holder commits, and the next claim finds its answer',
      ({ answers }, lease) => answers.commit(lease, { keyAnswer: answer('first') }),
      'stored, key first, token -',
    ],
    [
      'wakes when the holder releases, and the next claim runs',
      ({ answers }, lease) => answers.release(lease),
      'claimed, key -, token -',
    ],
    [
      'wakes when a claim that took the lease over commits',
      async ({ answers, clock }) => {
        clock.advance(LEASE);
        const takeover = leaseOf(await answers.claim(A, { key: 'k' }, { leaseMs: LEASE }));
        await answers.commit(takeover, { keyAnswer: answer('takeover') });
      },
      'stored, key takeover, token -',
    ],
  ])('%s', async (_name, settle, expected) => {
    const world = setUp();
    const { answers } = world;
    const lease = leaseOf(await answers.claim(A, { key: 'k' }, { leaseMs: LEASE }));
    const held = await answers.claim(A, { key: 'k' }, { leaseMs: LEASE });
    let woken = false;
    const waiting = answers.awaitAnswer(A, { key: 'k' }, LEASE).then(() => {
      woken = true;
    });
    await flush();
    const before = woken;
    await settle(world, lease);
    await waiting;
    expect([held.kind, before, shown(await answers.claim(A, { key: 'k' }, { leaseMs: LEASE }))]).toEqual([
      'held',
      false,
      expected,
    ]);
  });

  it.each<[string, (world: World) => unknown]>([
    ['resolves at once when nothing holds the ids', async () => {}],
    [
      'resolves at once when the lease is past its time',
      async ({ answers, clock }) => {
        await answers.claim(A, { key: 'k' }, { leaseMs: LEASE });
        clock.advance(LEASE);
      },
    ],
  ])('%s', async (_name, before) => {
    const world = setUp();
    await before(world);
    let woken = false;
    world.answers.awaitAnswer(A, { key: 'k' }, LEASE).then(() => {
      woken = true;
    });
    await flush();
    expect(woken).toBe(true);
  });
});
