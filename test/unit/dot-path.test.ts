import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { dotPath, parseJsonFile } from '../../contracts/index.js';

describe('dotPath, the one way a path into a JSON value is written', () => {
  it.each<[string, PropertyKey[], string]>([
    [
      'keys after dots and indexes in brackets',
      ['supplementary_purchase_data', 'line_items', 0, 'quantity'],
      'supplementary_purchase_data.line_items[0].quantity',
    ],
    ['a header name with its hyphens as it is', ['klarna-idempotency-key'], 'klarna-idempotency-key'],
    [
      'a key that is not an identifier in quoted brackets',
      ['metadata', 'odd key', 'a.b'],
      'metadata["odd key"]["a.b"]',
    ],
    ['a key starting with a digit in quoted brackets', ['1st'], '["1st"]'],
    ['the empty path as (root)', [], '(root)'],
  ])('writes %s', (_what, path, written) => {
    expect(dotPath(path)).toBe(written);
  });

  it('names the empty path as the caller says', () => {
    expect(dotPath([], 'body')).toBe('body');
  });
});

describe('parseJsonFile, a JSON file parsed by its contract', () => {
  const Settings = z.strictObject({ ports: z.array(z.int()), name: z.string() });

  it('gives the data of a good file', () => {
    expect(parseJsonFile('s.json', '{"ports":[1],"name":"a"}', Settings)).toEqual({
      ok: true,
      data: { ports: [1], name: 'a' },
    });
  });

  it('names the file and says a text that is not JSON is not valid JSON', () => {
    const result = parseJsonFile('s.json', '{ ports: ', Settings);
    expect(result).toMatchObject({ ok: false, file: 's.json', reason: expect.stringMatching(/^not valid JSON: /) });
  });

  it('names every issue at its path', () => {
    expect(parseJsonFile('s.json', '{"ports":[1,"x"]}', Settings)).toEqual({
      ok: false,
      file: 's.json',
      reason:
        'ports[1]: Invalid input: expected number, received string; name: Invalid input: expected string, received undefined',
    });
  });
});
