import { describe, expect, it } from 'vitest';
import { authenticate } from '../../mock-server/core/authenticate.js';

const base64 = (s: string) => Buffer.from(s).toString('base64');
const open = { apiKeys: undefined, accounts: undefined };
const keyed = {
  apiKeys: [{ key: 'klarna_test_api_good' }, { key: 'klarna_test_api_bound', accounts: ['A'] }],
  accounts: undefined,
};

describe('authentication (docs/simulator-choices.md#authentication)', () => {
  it.each([
    ['no header', undefined, open, 401],
    ['an empty header', '', open, 401],
    ['Basic with nothing after it', 'Basic ', open, 401],
    ['a Bearer token', 'Bearer klarna_test_api_good', open, 401],
    ['any key when none are configured', 'Basic anything', open, undefined],
    ['a configured key after Basic', 'Basic klarna_test_api_good', keyed, undefined],
    ['a configured key as base64(user:key)', `Basic ${base64('user:klarna_test_api_good')}`, keyed, undefined],
    ['a lower-case scheme', 'basic klarna_test_api_good', keyed, undefined],
    ['an unknown key', 'Basic klarna_test_api_bad', keyed, 401],
    ['a key bound to this account', 'Basic klarna_test_api_bound', keyed, undefined],
  ])('answers %s with %s', (_name, header, config, status) => {
    expect(authenticate(header, 'A', config)?.statusCode).toBe(status);
  });

  it('forbids a key bound to other accounts with 403 OPERATION_FORBIDDEN', () => {
    const error = authenticate('Basic klarna_test_api_bound', 'B', keyed);
    expect([error?.statusCode, error?.errorCode]).toEqual([403, 'OPERATION_FORBIDDEN']);
  });

  it('answers an account outside the configured list with 404 RESOURCE_NOT_FOUND', () => {
    const error = authenticate('Basic x', 'C', { apiKeys: undefined, accounts: ['A', 'B'] });
    expect([error?.statusCode, error?.errorCode]).toEqual([404, 'RESOURCE_NOT_FOUND']);
  });

  it('checks credentials before the account', () => {
    expect(authenticate(undefined, 'C', { apiKeys: undefined, accounts: ['A'] })?.statusCode).toBe(401);
  });
});
