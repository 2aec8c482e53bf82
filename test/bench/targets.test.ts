import { describe, expect, it } from 'vitest';
import { prismDocument, wiremockMapping } from '../../bench/peers.js';
import { APPROVED_ANSWER } from '../../bench/request.js';
import { aheadOfPeers, judgeRatios } from '../../bench/targets.js';

// How the bench judges its targets, and what the peers are given to serve. (No timing here.)

describe('judgeRatios', () => {
  it('checks req/s from below and latencies from above, naming each check', () => {
    const target = { rps: 0.5, p99: 3 };
    expect(judgeRatios({ rps: 0.5, p50: 9, p99: 3 }, target)).toEqual({
      met: true,
      checks: ['req/s ≥0.5×', 'p99 ≤3×'],
    });
    expect(judgeRatios({ rps: 0.49, p50: 1, p99: 1 }, target).met).toBe(false);
    expect(judgeRatios({ rps: 1, p50: 1, p99: 3.1 }, target).met).toBe(false);
    expect(judgeRatios({ rps: 1, p50: 1.6, p99: 1 }, { p50: 1.5 })).toEqual({ met: false, checks: ['p50 ≤1.5×'] });
  });

  it('meets an empty target, and misses on NaN ratios', () => {
    expect(judgeRatios({ rps: 0, p50: 0, p99: 0 }, {})).toEqual({ met: true, checks: [] });
    expect(judgeRatios({ rps: Number.NaN, p50: 1, p99: 1 }, { rps: 0.5 }).met).toBe(false);
  });
});

describe('aheadOfPeers', () => {
  it('is ahead only with more req/s than every peer, and names those it is not ahead of', () => {
    expect(aheadOfPeers(1000, { prism: 400, wiremock: 900 })).toEqual({ ahead: true, behind: [] });
    expect(aheadOfPeers(1000, { prism: 400, wiremock: 1000 })).toEqual({ ahead: false, behind: ['wiremock'] });
    expect(aheadOfPeers(Number.NaN, { prism: 1 })).toEqual({ ahead: false, behind: ['prism'] });
  });

  it('does not judge without peers', () => {
    expect(aheadOfPeers(1000, {})).toBeUndefined();
  });
});

describe('peers serve the bench’s operation with the bare server’s answer', () => {
  it('Prism: the authorize path with the contracts’ body schema and the answer as its example', () => {
    const document = prismDocument();
    const operation = document.paths['/v2/accounts/{partner_account_id}/payment/authorize'].post;
    expect(JSON.stringify(operation.responses['200'].content['application/json'].example)).toBe(APPROVED_ANSWER);
    const schema = operation.requestBody.content['application/json'].schema as { properties?: object };
    expect(Object.keys(schema.properties ?? {})).toContain('request_payment_transaction');
    expect(JSON.stringify(schema)).not.toContain('$schema');
  });

  it('WireMock: any account’s authorize POST gets the fixed answer', () => {
    const mapping = wiremockMapping();
    expect(new RegExp(`^${mapping.request.urlPathPattern}$`).test('/v2/accounts/krn%3Ax/payment/authorize')).toBe(true);
    expect(mapping.response.body).toBe(APPROVED_ANSWER);
  });
});
