import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signBody, verifyKlarnaSignature } from '../../../mock-server/core/webhooks/sign.js';

const KEY = 'whsec-0123456789abcdef';
const BODY =
  '{"metadata":{"event_id":"62bb5d9f-33d3-43d0-9d84-1018eb573ed6"},"payload":{"state":"COMPLETED","name":"Zoë"}}';

describe('webhook signatures', () => {
  it('signs with HMAC-SHA256 over the UTF-8 body, as lower-case hex', () => {
    const signature = signBody(BODY, KEY);
    expect(signature).toMatch(/^[0-9a-f]{64}$/);
    expect(signature).toBe(createHmac('sha256', KEY).update(Buffer.from(BODY, 'utf8')).digest('hex'));
  });

  it('verifies its own signature over the same string or the same bytes', () => {
    const signature = signBody(BODY, KEY);
    expect(verifyKlarnaSignature(BODY, signature, KEY)).toBe(true);
    expect(verifyKlarnaSignature(Buffer.from(BODY, 'utf8'), signature, KEY)).toBe(true);
  });

  it('accepts the signature in upper case too', () => {
    expect(verifyKlarnaSignature(BODY, signBody(BODY, KEY).toUpperCase(), KEY)).toBe(true);
  });

  it.each([
    ['a tampered body', BODY.replace('COMPLETED', 'DECLINED'), KEY],
    ['the same JSON re-serialized with other spacing', JSON.stringify(JSON.parse(BODY), null, 2), KEY],
    ['a wrong key', BODY, 'whsec-another-key-0000'],
  ])('rejects %s', (_case, body, key) => {
    expect(verifyKlarnaSignature(body, signBody(BODY, KEY), key)).toBe(false);
  });

  const valid = signBody(BODY, KEY);
  it.each<[string, string | undefined]>([
    ['a missing signature', undefined],
    ['an empty signature', ''],
    ['an odd-length hex string', valid.slice(0, 63)],
    ['a truncated signature', valid.slice(0, 62)],
    ['a longer signature', `${valid}00`],
    ['non-hex characters', `zz${valid.slice(2)}`],
    ['the same MAC in base64', Buffer.from(valid, 'hex').toString('base64')],
    ['a sha256= prefix', `sha256=${valid}`],
  ])('rejects %s without throwing', (_case, signature) => {
    expect(verifyKlarnaSignature(BODY, signature, KEY)).toBe(false);
  });

  it('returns false rather than throwing when a JavaScript caller passes junk', () => {
    const junk = verifyKlarnaSignature as (body: unknown, signature: unknown, key: unknown) => boolean;
    expect(junk(BODY, 42, KEY)).toBe(false);
    expect(junk(undefined, valid, KEY)).toBe(false);
    expect(junk(BODY, valid, undefined)).toBe(false);
  });
});
