import { describe, expect, it } from 'vitest';
import { redactUrl } from '../../mock-server/core/redact-url.js';

describe('redacting secrets in a URL', () => {
  it.each([
    ['/a', '/a'],
    ['/a?', '/a?'],
    ['/a?x=1&y', '/a?x=1&y'],
    ['/a?token=t', '/a?token=[redacted]'],
    ['/a?Api-Key=t&keep=1', '/a?Api-Key=[redacted]&keep=1'],
    ['/a?api%5Fkey=t', '/a?api%5Fkey=[redacted]'],
    ['/a?key=1&key=2', '/a?key=[redacted]&key=[redacted]'],
    ['/a?secret', '/a?secret=[redacted]'],
    ['/a?password=p%20w&x=%ZZ', '/a?password=[redacted]&x=%ZZ'],
    ['/a?%ZZ=1&signature=s', '/a?%ZZ=1&signature=[redacted]'],
    ['/a?keys=1&tokens=2', '/a?keys=1&tokens=2'],
  ])('%s → %s', (url, redacted) => {
    expect(redactUrl(url)).toBe(redacted);
  });
});
