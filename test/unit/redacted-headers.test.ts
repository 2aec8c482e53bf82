import { describe, expect, it } from 'vitest';
import { REDACTED_HEADERS, redactHeaders } from '../../mock-server/core/redacted-headers.js';

describe('redacting credentials and tokens in headers', () => {
  it.each(REDACTED_HEADERS)('redacts %s, in its place, and leaves the other headers as they are', (name) => {
    const headers = { 'content-type': 'application/json', [name]: 'secret', 'x-list': ['a', 'b'], 'x-n': '1' };
    const shown = redactHeaders(headers);
    expect(shown).toEqual({ ...headers, [name]: '[redacted]' });
    expect(Object.keys(shown)).toEqual(Object.keys(headers));
    expect(headers[name]).toBe('secret');
  });

  it('redacts them all at once, and adds none that was not sent', () => {
    const all = Object.fromEntries(REDACTED_HEADERS.map((name) => [name, `v-${name}`]));
    expect(redactHeaders({ ...all, accept: '*/*' })).toEqual({
      ...Object.fromEntries(REDACTED_HEADERS.map((name) => [name, '[redacted]'])),
      accept: '*/*',
    });
    expect(redactHeaders({ accept: '*/*' })).toEqual({ accept: '*/*' });
    expect(redactHeaders({})).toEqual({});
  });

  it('copies a header named like an object property as an own header', () => {
    const headers = JSON.parse('{"__proto__":"x","constructor":"y","authorization":"k"}') as Record<string, unknown>;
    const shown = redactHeaders(headers);
    expect(Object.getPrototypeOf(shown)).toBe(Object.prototype);
    expect(Object.entries(shown)).toEqual([
      ['__proto__', 'x'],
      ['constructor', 'y'],
      ['authorization', '[redacted]'],
    ]);
  });
});
