import type { MockConfig } from './config.js';
import { catalogue, type KlarnaHttpError } from './error-catalogue.js';

/**
 * Checks `Authorization` and the partner account (docs/simulator-choices.md#authentication). Klarna's samples send the API key
 * right after `Basic`; `Basic base64(user:key)` is accepted too. Order: 401, then unknown account 404, then 403.
 */
export function authenticate(
  authorization: string | undefined,
  account: string,
  config: Pick<MockConfig, 'apiKeys' | 'accounts'>,
  /** What the 403 says the key may not do, in Klarna's words ("Insufficient privileges to <operation> …"). */
  operation = 'authorize payments',
): KlarnaHttpError | undefined {
  const credential = basicCredential(authorization);
  if (credential === undefined) return catalogue.unauthorized();
  const match = config.apiKeys === undefined ? { accounts: undefined } : findKey(config.apiKeys, credential);
  if (match === undefined) return catalogue.unauthorized();
  if (config.accounts !== undefined && !config.accounts.includes(account)) return catalogue.resourceNotFound(account);
  if (match.accounts !== undefined && !match.accounts.includes(account)) return catalogue.forbidden(account, operation);
  return undefined;
}

/**
 * The account of a path that names none (Klarna Direct's `/v2/payment/…`, webhook management's `/v2/notification/…`):
 * Klarna acts on the account the API key belongs to. Here a key bound to exactly one account acts on it, and any
 * other key on `defaultAccount` (docs/simulator-choices.md#direct-account). A missing or unknown key is a 401.
 */
export function accountOfKey(
  authorization: string | undefined,
  config: Pick<MockConfig, 'apiKeys' | 'defaultAccount'>,
): string | KlarnaHttpError {
  const credential = basicCredential(authorization);
  if (credential === undefined) return catalogue.unauthorized();
  if (config.apiKeys === undefined) return config.defaultAccount;
  const match = findKey(config.apiKeys, credential);
  if (match === undefined) return catalogue.unauthorized();
  return match.accounts?.length === 1 && match.accounts[0] !== undefined ? match.accounts[0] : config.defaultAccount;
}

function basicCredential(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const match = /^Basic\s+(\S.*)$/i.exec(authorization.trim());
  return match?.[1]?.trim() || undefined;
}

function findKey(keys: NonNullable<MockConfig['apiKeys']>, credential: string) {
  const decoded = decodeBase64(credential);
  const candidates = [credential];
  if (decoded !== undefined) {
    candidates.push(decoded);
    const colon = decoded.indexOf(':');
    if (colon >= 0) candidates.push(decoded.slice(colon + 1));
  }
  return keys.find((k) => candidates.includes(k.key));
}

function decodeBase64(value: string): string | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return undefined;
  return Buffer.from(value, 'base64').toString('utf8');
}
