import fc from 'fast-check';
import secureJsonParse from 'secure-json-parse';
import { describe, expect, it } from 'vitest';
import { KlarnaHttpError } from '../../mock-server/core/error-catalogue.js';
import { parseJson } from '../../mock-server/http/json-body.js';

/** The parsed value as JSON, or the catalogue error as "<code>: <parameter> <reason>" / "<code>: <message>". */
function parsed(text: string): string {
  try {
    return JSON.stringify(parseJson(text));
  } catch (error) {
    if (!(error instanceof KlarnaHttpError)) throw error;
    const first = error.validationErrors?.[0];
    return `${error.errorCode}: ${first === undefined ? error.message : `${first.parameter} ${first.reason}`}`;
  }
}

describe('parsing a JSON body', () => {
  it.each<[string, string, string]>([
    ['parses a plain object', '{"currency":"USD"}', '{"currency":"USD"}'],
    ['parses JSON null as null (routes refuse it themselves)', 'null', 'null'],
    ['skips a byte order mark', '\uFEFF{"a":1}', '{"a":1}'],
    ['keeps a constructor key that holds no prototype', '{"constructor":{"name":"x"}}', '{"constructor":{"name":"x"}}'],
    ['refuses text that is not JSON', '{"a":', 'INVALID_CONTENT_TYPE: The received input is not valid JSON'],
    ['refuses an empty text as not JSON', '', 'INVALID_CONTENT_TYPE: The received input is not valid JSON'],
    [
      'names a __proto__ key at the top',
      '{"a":1,"__proto__":{"x":1}}',
      'VALIDATION_ERROR: __proto__ a key named __proto__ is refused',
    ],
    [
      'names a __proto__ key deep inside, with its path',
      '{"s":{"items":[{"n":"a","__proto__":{}}]}}',
      'VALIDATION_ERROR: s.items[0].__proto__ a key named __proto__ is refused',
    ],
    [
      'names an escaped __proto__ key',
      '{"\\u005f_proto__":1}',
      'VALIDATION_ERROR: __proto__ a key named __proto__ is refused',
    ],
    [
      'names a constructor key holding prototype',
      '{"x":{"constructor":{"prototype":{"y":1}}}}',
      'VALIDATION_ERROR: x.constructor a key named constructor holding prototype is refused',
    ],
    [
      'refuses a body nested deeper than 64 levels',
      `${'['.repeat(65)}${']'.repeat(65)}`,
      'VALIDATION_ERROR: body nested deeper than 64 levels',
    ],
  ])('%s', (_name, text, expected) => {
    expect(parsed(text)).toBe(expected);
  });
});

describe('parsing a JSON body without secure-json-parse where it cannot refuse', () => {
  /** secure-json-parse as the body parser calls it: its value, or that it refused. */
  const secure = (text: string) => {
    try {
      return { value: secureJsonParse(text, null, { protoAction: 'error', constructorAction: 'error' }) };
    } catch {
      return 'refused';
    }
  };
  const ours = (text: string) => {
    try {
      return { value: parseJson(text) };
    } catch {
      return 'refused';
    }
  };
  // Keys and strings a refusal hangs on, plainly and escaped, among ordinary ones.
  const word = fc.constantFrom(
    'a',
    'currency',
    '__proto__',
    'constructor',
    'prototype',
    '\\u005f_proto__',
    'con\\u0073tructor',
    'é',
  );
  const json: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.constantFrom('1', 'null', 'true', '"x"', '"\\\\"'),
      word.map((w) => `"${w}"`),
      fc.array(tie('value'), { maxLength: 3 }).map((items) => `[${items.join(',')}]`),
      fc
        .array(fc.tuple(word, tie('value')), { maxLength: 3 })
        .map((pairs) => `{${pairs.map(([k, v]) => `"${k}" : ${v}`).join(',')}}`),
    ),
  })).value;

  it('parses and refuses as secure-json-parse does, with or without a byte order mark', () => {
    fc.assert(
      fc.property(json, fc.boolean(), (body, bom) => {
        const text = bom ? `\uFEFF${body}` : body;
        expect(ours(text)).toEqual(secure(text));
      }),
      { numRuns: 3000 },
    );
  });
});
