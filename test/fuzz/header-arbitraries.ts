import fc from 'fast-check';

// Headers as Node's HTTP parser hands them over, for the app.inject() suite; the real-HTTP suite adds raw bytes.

/** A character Node's HTTP parser delivers in a header value: HTAB, visible ASCII, space, obs-text. */
const headerChar = fc
  .oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff }), fc.constant(0x09))
  .map((code) => String.fromCharCode(code));

/** Header values as a request that went through Node's parser has them (latin1, no surrounding blanks). */
export const headerValue = fc
  .oneof(
    { arbitrary: fc.string({ unit: headerChar, maxLength: 300 }), weight: 6 },
    { arbitrary: fc.tuple(headerChar, fc.integer({ min: 256, max: 100_000 })).map(([c, n]) => c.repeat(n)), weight: 1 },
  )
  .map((value) => value.replace(/^[ \t]+|[ \t]+$/g, ''));

const tokenChar = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+-.^_`|~".split(''));

/** Header names the fuzzer must not send: framing ones (they would desync the request) and the scenario switch. */
export const RESERVED_HEADERS = new Set([
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'expect',
  'te',
  'trailer',
  'content-type',
  'mock-scenario',
]);

export const extraHeaders = fc
  .array(
    fc.tuple(
      fc.oneof(
        fc.string({ unit: tokenChar, minLength: 1, maxLength: 40 }),
        fc.constantFrom(
          'host',
          'accept',
          'accept-encoding',
          'content-encoding',
          'x-forwarded-host',
          'x-forwarded-proto',
        ),
      ),
      headerValue,
    ),
    { maxLength: 8 },
  )
  .map((entries) => Object.fromEntries(entries.filter(([name]) => !RESERVED_HEADERS.has(name))));

export const contentType = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'application/json; charset=utf-16',
    'APPLICATION/JSON',
    'application/json-patch+json',
    'application/problem+json',
    'text/plain',
    'text/json',
    'application/octet-stream',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/json;;;',
    '*/*',
  ),
  headerValue.filter((v) => v.length < 200),
);
