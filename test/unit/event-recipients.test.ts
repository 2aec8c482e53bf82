import { describe, expect, it } from 'vitest';
import { eventRecipients } from '../../mock-server/core/webhooks/event-recipients.js';

const DEFAULT = 'krn:partner:global:account:test:DEFAULT';
const X = 'krn:partner:global:account:test:XXXX1111';
const Y = 'krn:partner:global:account:test:YYYY2222';

describe('eventRecipients', () => {
  it.each([
    ['no keys configured: every key acts as the default account', undefined, X, [X, DEFAULT]],
    ['the default account itself, once', undefined, DEFAULT, [DEFAULT]],
    ['keys bound to one account each act as that account', [{ key: 'x', accounts: [X] }], X, [X]],
    ['an unbound key acts as the default account, on every account', [{ key: 'any' }], X, [X, DEFAULT]],
    [
      'a key bound to several accounts acts as the default one on them',
      [{ key: 'xy', accounts: [X, Y] }],
      Y,
      [Y, DEFAULT],
    ],
    [
      '…and not on others',
      [{ key: 'xy', accounts: [X, Y] }],
      'krn:partner:global:account:test:ZZZZ',
      ['krn:partner:global:account:test:ZZZZ'],
    ],
  ])('%s', (_case, apiKeys, subject, expected) => {
    expect(eventRecipients(subject, { apiKeys, defaultAccount: DEFAULT })).toEqual(expected);
  });
});
