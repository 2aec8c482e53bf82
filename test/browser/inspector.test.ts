import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MockApp } from '../../mock-server/app/build-app.js';
import { klarnaClient } from '../support/klarna-client.js';
import { loadSamples } from '../support/samples.js';
import { listening, testApp } from '../support/test-app.js';
import { launchChromium, NoChromium } from './chromium.js';

// The request inspector in a real headless browser (chromium.ts says which, and how it is started).
/** The screenshot, kept as a test artifact (reports/ is not committed). */
const SCREENSHOT = join(import.meta.dirname, '../../reports/inspector.png');
const TOKEN = 'a-long-enough-admin-token';
const HOSTILE = '</pre><script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">';
const FINAL = loadSamples()['final-authorization']?.body;

let browser: Browser | NoChromium | Error | undefined;
const apps: { open: MockApp; base: string; token: MockApp; tokenBase: string } = {} as never;

beforeAll(async () => {
  browser = await launchChromium();
  ({ app: apps.open } = await testApp());
  apps.base = await listening(apps.open);
  ({ app: apps.token } = await testApp({ config: { adminToken: TOKEN } }));
  apps.tokenBase = await listening(apps.token);
}, 60_000);

afterAll(async () => {
  if (!(browser instanceof Error || browser instanceof NoChromium)) await browser?.close();
  await apps.open?.close();
  await apps.token?.close();
});

let context: BrowserContext;
let page: Page;
let requested: string[];
/** Console errors and uncaught exceptions of the page. */
let errors: string[];

beforeEach(async ({ skip }) => {
  if (browser instanceof NoChromium) return skip(browser.reason);
  if (browser === undefined || browser instanceof Error) throw browser ?? new Error('beforeAll did not run');
  context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  context.setDefaultTimeout(5_000);
  page = await context.newPage();
  requested = [];
  errors = [];
  page.on('request', (request) => requested.push(request.url()));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
});
afterEach(() => context?.close());

const authorize = (base: string, account: string, body: unknown, idempotencyKey: string) =>
  klarnaClient(base).authorize(body, { account, idempotencyKey });

const rows = () => page.locator('#requests tbody tr');

/** A certification report as certify hands it in: one case, one rule passed, one failed (its why hostile). */
const REPORT = {
  seed: 'klarna-mock',
  base_url: 'http://127.0.0.1:1',
  simulator: 'given',
  client: 'node examples/naive-client.mjs',
  finished_at: '2026-12-05T08:00:00.000Z',
  passed: false,
  summary: '1 cases, 2 verdicts, 1 failed',
  cases: [
    {
      n: 1,
      id: 'duplicate-webhook',
      title: 'the AUTHORIZED webhook delivered twice',
      account: 'krn:partner:global:account:test:CERT1',
      attempts: 1,
      client: 'exit 0',
      duration_ms: 120,
      verdicts: [
        { rule: 'webhook-processed-once', passed: false, why: `event 1234abcd… applied 2 times ${HOSTILE}` },
        { rule: 'eventually-succeeds', passed: true, why: 'APPROVED on attempt 1' },
      ],
    },
  ],
};

describe('the request inspector in a browser', () => {
  it('shows a request sent after it loaded within a second, in detail, as text however hostile its body', async () => {
    const account = 'krn:partner:global:account:test:INSPECT1';
    await page.goto(`${apps.base}/__mock/ui?account=${encodeURIComponent(account)}`);
    await page.locator('#live', { hasText: 'live' }).waitFor();
    expect(await rows().count()).toBe(0);

    const sent = Date.now();
    const key = '6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9';
    const answer = await authorize(apps.base, account, { ...FINAL, merchant_note: HOSTILE }, key);
    await rows().first().waitFor({ timeout: 1_000 });
    expect(Date.now() - sent).toBeLessThan(1_000);

    const row = rows().first();
    expect(await row.getAttribute('data-id')).toBe(answer.headers.get('klarna-correlation-id'));
    const cells = await row.locator('td').allTextContents();
    expect(cells.slice(1, 4)).toEqual(['POST', '/v2/accounts/…/payment/authorize', String(answer.status)]);
    expect(cells[5]).toBe(key);

    await row.getByRole('button').click();
    const detail = page.locator('#detail');
    await detail.waitFor();
    expect(await page.locator('#detail-body').textContent()).toContain(JSON.stringify(HOSTILE));
    expect(await page.locator('#detail-headers').textContent()).toContain('[redacted]');
    expect(await page.locator('#detail-headers').textContent()).not.toContain('klarna_test_api_k');
    expect(await page.locator('#detail-findings li').count()).toBeGreaterThan(0);
    expect(await page.locator('#detail-summary').textContent()).toMatch(/duration[\d.]+ ms \(arrival to answer\)/);

    // The latest certification report, handed in while the page is open: it shows without a reload.
    const handed = await fetch(`${apps.base}/__mock/certification`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(REPORT),
    });
    expect(handed.status).toBe(204);
    const verdicts = page.locator('#certification-verdicts tbody tr');
    await verdicts.first().waitFor({ timeout: 1_000 });
    expect(await page.locator('#certification-summary').textContent()).toContain(
      'FAILED: 1 cases, 2 verdicts, 1 failed',
    );
    const failedRow = await verdicts.first().locator('td').allTextContents();
    expect(failedRow.slice(0, 4)).toEqual([
      'CERT1 duplicate-webhook (the AUTHORIZED webhook delivered twice)',
      'krn:partner:global:account:test:CERT1',
      '✗',
      'webhook-processed-once',
    ]);
    expect(failedRow[4]).toContain(HOSTILE);
    expect(await verdicts.nth(1).locator('td').nth(2).textContent()).toBe('✓');
    expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();

    await page.locator('#report-summary', { hasText: '1 request,' }).waitFor();
    expect(await page.locator('#subscription').textContent()).toContain('No webhook receiver');
    await page.locator('#picker option', { hasText: account }).waitFor({ state: 'attached' });

    mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(readFileSync(SCREENSHOT).subarray(0, 4)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47]));

    expect(requested.filter((url) => new URL(url).origin !== apps.base)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('behind an admin token: opened with ?token=, it reads and follows the journal with the header', async () => {
    const account = 'krn:partner:global:account:test:INSPECT2';
    const reads: { url: string; authorization: string | undefined }[] = [];
    page.on('request', (request) => reads.push({ url: request.url(), authorization: request.headers().authorization }));
    await page.goto(`${apps.tokenBase}/__mock/ui?account=${encodeURIComponent(account)}&token=${TOKEN}`);
    await page.locator('#live', { hasText: 'live' }).waitFor();
    await authorize(apps.tokenBase, account, FINAL, 'b6a5c4d3-e2f1-4a0b-9c8d-7e6f5a4b3c2d');
    await rows().first().waitFor({ timeout: 1_000 });
    const later = reads.slice(1);
    expect(later.length).toBeGreaterThan(0);
    expect(later.every((read) => read.authorization === `Bearer ${TOKEN}` && !read.url.includes(TOKEN))).toBe(true);
    expect(errors).toEqual([]);
  });
});
