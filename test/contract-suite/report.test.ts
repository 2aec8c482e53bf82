import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { escapeXml, junitXml } from '../../contract-suite/junit-report.js';
import type { SuiteResult } from '../../contract-suite/run-contract-suite.js';
import { AuthorizeResponse, dotPath, KlarnaError } from '../../contracts/index.js';
import { schemaViolations } from '../../contracts/schema-violations.js';

const approved = (transaction: Record<string, unknown>) => ({
  payment_transaction_response: {
    result: 'APPROVED',
    payment_transaction: { payment_transaction_id: 'krn:payment:eu1:transaction:1', currency: 'USD', ...transaction },
  },
});

describe('violations from the contracts schemas', () => {
  it.each([
    ['a string amount', approved({ amount: '11800' }), 'number (int)', '"11800"'],
    ['a float amount', approved({ amount: 118.5 }), 'number (int)', '118.5'],
    ['a zero amount', approved({ amount: 0 }), 'number >= 1', '0'],
    ['a missing amount', approved({}), 'number (int)', '(missing)'],
  ])('describe %s at its JSON path', (_case, body, expected, received) => {
    expect(schemaViolations(AuthorizeResponse, body)).toEqual([
      { path: 'payment_transaction_response.payment_transaction.amount', expected, received },
    ]);
  });

  it('describes formats with the reason the contract gives, and truncates long received values', () => {
    const body = approved({ amount: 1, currency: 'usd', expires_at: 'x'.repeat(200) });
    expect(schemaViolations(AuthorizeResponse, body)).toEqual([
      {
        path: 'payment_transaction_response.payment_transaction.currency',
        expected: 'string matching /^[A-Z]{3}$/ (must be an ISO 4217 code of 3 upper-case letters)',
        received: '"usd"',
      },
      {
        path: 'payment_transaction_response.payment_transaction.expires_at',
        expected: 'string (ISO 8601 date-time)',
        received: `"${'x'.repeat(78)}…`,
      },
    ]);
  });

  it('writes array indices in brackets and describes unions', () => {
    const body = { error_id: 'e', error_code: 'C', validation_errors: [{ parameter: 'a', reason: 5 }] };
    expect(schemaViolations(KlarnaError, body)).toEqual([
      { path: 'validation_errors[0].reason', expected: 'string or array', received: '5' },
    ]);
    expect(dotPath([])).toBe('(root)');
    expect(dotPath(['a', 'odd key', 0])).toBe('a["odd key"][0]');
  });
});

describe('the JUnit report', () => {
  it('escapes markup and drops characters XML cannot carry', () => {
    expect(escapeXml(`<a href="x">&'\u0000\u001b</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&amp;&apos;\uFFFD\uFFFD&lt;/a&gt;',
    );
  });

  it('stays valid XML whatever a broken provider sent back', () => {
    const result: SuiteResult = {
      baseUrl: 'http://127.0.0.1:1/?a=1&b=<2>',
      account: 'acct"&\'',
      provider: { simulator: false, evidence: 'GET /__mock/health answered 500 <html>\u0007' },
      simulatorPart: false,
      interactions: [
        {
          name: 'a <weird> & "named" interaction',
          part: 'portable',
          outcome: 'failed',
          violations: [{ path: 'a]]>b', expected: '<x/>', received: '"\u0001</failure>"' }],
          durationMs: 1.5,
        },
        { name: 'skipped one', part: 'simulator', outcome: 'skipped', violations: [], durationMs: 0 },
      ],
    };
    const xml = junitXml(result);
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).toContain('a]]&gt;b: expected &lt;x/&gt;, received &quot;\uFFFD&lt;/failure&gt;&quot;</failure>');
  });
});
