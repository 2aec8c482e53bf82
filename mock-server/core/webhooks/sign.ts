import { createHmac, timingSafeEqual } from 'node:crypto';

// Signature steps: https://docs.klarna.com/acquirer/worldpay-test/recommended-integration/webhooks-registration/
// HMAC-SHA256 over the raw JSON body with the signing key, sent in `Klarna-Signature` (reference §7.1).
// The docs leave the encoding open; the simulator sends lower-case hex with no prefix and no timestamp
// (docs/simulator-choices.md#webhook-signature).

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;

/** The `Klarna-Signature` of a body: HMAC-SHA256 over its UTF-8 bytes, lower-case hex. */
export function signBody(rawBody: string, key: string): string {
  return createHmac('sha256', key).update(rawBody, 'utf8').digest('hex');
}

/**
 * For partners testing their receivers: true when `signature` is the HMAC-SHA256 of exactly these body bytes.
 * Verify the raw body as received, never re-serialized JSON. Compares in constant time; false, never a throw,
 * on a missing, malformed or odd-length signature.
 */
export function verifyKlarnaSignature(
  rawBody: string | Buffer,
  // As a request's headers hold it: a repeated header (an array) is never a valid signature.
  signature: string | string[] | undefined,
  key: string,
): boolean {
  if (typeof signature !== 'string' || !HEX_SHA256.test(signature.trim())) return false;
  try {
    const expected = createHmac('sha256', key).update(rawBody).digest();
    return timingSafeEqual(Buffer.from(signature.trim(), 'hex'), expected);
  } catch {
    return false;
  }
}
