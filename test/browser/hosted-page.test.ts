import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuthorizeRequest } from '../../contracts/index.js';
import type { MockApp } from '../../mock-server/app/build-app.js';
import { klarnaClient } from '../support/klarna-client.js';
import { loadSamples } from '../support/samples.js';
import { listening, testApp } from '../support/test-app.js';
import { launchChromium, NoChromium } from './chromium.js';
import { returnReceiver } from './return-receiver.js';

// The hosted purchase page in a real headless browser (chromium.ts says which, and how it is started).
// A page element may take a few seconds on a loaded 2-core machine; the test timeout is 15 s.
const WAIT_MS = 10_000;

const samples = loadSamples();
function sampleBody(name: string): AuthorizeRequest {
  const body = samples[name]?.body;
  if (body === undefined) throw new Error(`fixtures/samples/${name}.json is missing`);
  return body;
}

let browser: Browser | NoChromium | Error | undefined;
let app: MockApp | undefined;
let base: string;
let receiver: Awaited<ReturnType<typeof returnReceiver>> | undefined;

beforeAll(async () => {
  browser = await launchChromium();
  ({ app } = await testApp());
  base = await listening(app);
  receiver = await returnReceiver();
}, 60_000);

afterAll(async () => {
  if (!(browser instanceof Error || browser instanceof NoChromium)) await browser?.close();
  await app?.close();
  await receiver?.close();
});

let context: BrowserContext;
let page: Page;
/** Every URL the page asked for, in order. */
let requested: string[];

beforeEach(async ({ skip }) => {
  if (browser instanceof NoChromium) return skip(browser.reason);
  if (browser === undefined || browser instanceof Error) throw browser ?? new Error('beforeAll did not run');
  context = await browser.newContext();
  context.setDefaultTimeout(WAIT_MS);
  page = await context.newPage();
  requested = [];
  page.on('request', (request) => requested.push(request.url()));
});
afterEach(() => context?.close());

/** The sample body, sending the customer back to the local receiver with every placeholder in the query. */
function returningToReceiver(body: AuthorizeRequest): AuthorizeRequest {
  const returnUrl =
    `${receiver?.base}/return?id={klarna.payment_request.id}&state={klarna.payment_request.state}` +
    '&token={klarna.payment_request.klarna_network_session_token}';
  return {
    ...body,
    step_up_config: {
      ...body.step_up_config,
      customer_interaction_config: { method: 'HANDOVER', return_url: returnUrl },
    },
  };
}

const client = klarnaClient(() => base);

/** An initial authorization that steps up; returns the payment request's id and its hosted page. */
async function stepUp(body: AuthorizeRequest) {
  const answer = await client.authorize(returningToReceiver(body));
  expect(answer.status).toBe(200);
  const json = answer.ok();
  const id = json.payment_request?.payment_request_id;
  const url = json.payment_request?.state_context?.customer_interaction?.payment_request_url;
  if (id === undefined || url === undefined) throw new Error('STEP_UP_REQUIRED without a payment request');
  return { id, url };
}

async function readPaymentRequest(id: string) {
  const answer = await client.paymentRequests.read(id);
  expect(answer.status).toBe(200);
  return answer.ok();
}

/** Clicks a button by its accessible name and waits until the browser is back at the receiver. */
async function pressAndReturn(name: string) {
  await page.getByRole('button', { name, exact: true }).click();
  await page.waitForURL((url) => url.origin === receiver?.base && url.pathname === '/return');
  return Object.fromEntries(new URL(page.url()).searchParams);
}

/** What the receiver recorded for this payment request. */
const hitsFor = (id: string) => receiver?.hits.filter((hit) => hit.path === '/return' && hit.query.id === id);

describe('the hosted purchase page in a browser', () => {
  it('shows the purchase accessibly, approves, and the session token finalizes to APPROVED', async () => {
    const request = await stepUp(sampleBody('initial-authorization-step-up'));
    await page.goto(request.url);
    expect((await readPaymentRequest(request.id)).state).toBe('IN_PROGRESS');

    expect(await page.locator('#reference').textContent()).toBe('acquiring-partner-request-reference-1234');
    expect(await page.locator('#amount').textContent()).toBe('$118.00');
    expect(await page.locator('#currency').textContent()).toBe('USD');
    const rows = await page
      .getByRole('table', { name: 'Line items' })
      .locator('tbody tr')
      .evaluateAll((trs) => trs.map((tr) => Array.from((tr as HTMLTableRowElement).cells, (td) => td.textContent)));
    expect(rows).toEqual([
      ['Running shoes', '1', '$80.00'],
      ['Socks', '2', '$30.00'],
      ['Shipping', '1', '$8.00'],
    ]);

    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.getByRole('heading', { level: 1 }).count()).toBe(1);
    for (const name of ['Approve', 'Decline', 'Abort']) {
      expect(await page.getByRole('button', { name, exact: true }).count()).toBe(1);
    }
    expect(await page.getByRole('checkbox').count()).toBe(0);

    const query = await pressAndReturn('Approve');
    expect(query).toMatchObject({ id: request.id, state: 'COMPLETED' });
    expect(query.token).toMatch(/^krn:payment:eu1:klarna-network-session-token:/);
    expect(hitsFor(request.id)?.map((hit) => hit.query)).toEqual([query]);

    const final = await client.authorize(
      { currency: 'USD', request_payment_transaction: { amount: 11800, payment_transaction_reference: 'final-1' } },
      { sessionToken: String(query.token) },
    );
    expect(final.status).toBe(200);
    expect(final.ok().payment_transaction_response?.result).toBe('APPROVED');
  });

  it('declines: the browser returns with state DECLINED and the payment request is DECLINED', async () => {
    const request = await stepUp(sampleBody('initial-authorization-step-up'));
    await page.goto(request.url);
    const query = await pressAndReturn('Decline');
    expect(query).toEqual({ id: request.id, state: 'DECLINED', token: '' });
    expect(hitsFor(request.id)).toHaveLength(1);
    expect((await readPaymentRequest(request.id)).state).toBe('DECLINED');
  });

  it('aborts: the browser returns and the payment request is SUBMITTED again', async () => {
    const request = await stepUp(sampleBody('initial-authorization-step-up'));
    await page.goto(request.url);
    const query = await pressAndReturn('Abort');
    expect(query).toEqual({ id: request.id, state: 'SUBMITTED', token: '' });
    const read = await readPaymentRequest(request.id);
    expect(read).toMatchObject({ state: 'SUBMITTED', previous_state: 'IN_PROGRESS' });
    expect(read.state_context?.klarna_network_session_token).toBeUndefined();
  });

  it('will not approve a tokenization without consent, then returns a customer token once it is given', async () => {
    const request = await stepUp(sampleBody('tokenization'));
    await page.goto(request.url);
    const consent = page.getByLabel('I agree that the merchant may charge me later', { exact: false });
    expect(await consent.count()).toBe(1);
    expect(await consent.isChecked()).toBe(false);

    // The browser refuses first: the required checkbox fires `invalid` and the form is not sent. The listener is in
    // place before the click (awaited), and the page remembers the event, so a fast click cannot slip past it.
    await consent.evaluate((box) => {
      box.addEventListener('invalid', () => box.setAttribute('data-refused', 'yes'), { once: true });
    });
    await page.getByRole('button', { name: 'Approve', exact: true }).click();
    await expect.poll(() => consent.getAttribute('data-refused')).toBe('yes');
    expect(new URL(page.url()).pathname).toMatch(/\/start$/);

    // Without the browser's check, the server refuses with a 400 page that says why.
    await consent.evaluate((box) => box.removeAttribute('required'));
    const [refusal] = await Promise.all([
      page.waitForResponse((response) => response.url().endsWith('/approve')),
      page.getByRole('button', { name: 'Approve', exact: true }).click(),
    ]);
    expect(refusal.status()).toBe(400);
    expect(await page.getByRole('alert').textContent()).toContain('consent');
    expect((await readPaymentRequest(request.id)).state).toBe('IN_PROGRESS');
    expect(hitsFor(request.id)).toEqual([]);

    await consent.check();
    const query = await pressAndReturn('Approve');
    expect(query.state).toBe('COMPLETED');
    const read = await readPaymentRequest(request.id);
    expect(read.state).toBe('COMPLETED');
    // A tokenization alone needs no final authorization: no session token, and its placeholder is left empty.
    expect(read.state_context?.klarna_network_session_token).toBeUndefined();
    expect(query.token).toBe('');
    expect(read.state_context?.klarna_customer).toMatchObject({
      customer_token: expect.stringMatching(/^krn:/),
      customer_token_reference: 'subscription-user-12345',
      scopes: ['payment:customer_not_present'],
    });
  });

  it('asks for nothing outside 127.0.0.1: no external assets, fonts or scripts', async () => {
    const request = await stepUp(sampleBody('tokenization'));
    await page.goto(request.url, { waitUntil: 'networkidle' });
    await page.getByLabel('I agree', { exact: false }).check();
    await pressAndReturn('Approve');
    await page.waitForLoadState('networkidle');
    expect(requested[0]).toBe(request.url);
    expect(requested.filter((url) => new URL(url).hostname !== '127.0.0.1')).toEqual([]);
  });

  it('renders to a non-empty PNG screenshot', async () => {
    const request = await stepUp(sampleBody('initial-authorization-step-up'));
    await page.goto(request.url);
    const dir = mkdtempSync(join(tmpdir(), 'hosted-page-'));
    try {
      const file = join(dir, 'purchase-page.png');
      await page.screenshot({ path: file, fullPage: true });
      const png = readFileSync(file);
      expect(png.length).toBeGreaterThan(1_000);
      expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the API reference at /docs in a browser', () => {
  // The page loads Swagger UI and the OpenAPI document, generated on its first request: the slowest page here, given
  // three times the others' wait on a loaded machine.
  it('renders the operations and asks for nothing outside the simulator, whatever name it is opened by', {
    timeout: 45_000,
  }, async () => {
    const origin = base.replace('127.0.0.1', 'klarna-mock.test');
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await page.goto(`${origin}/docs`, { waitUntil: 'networkidle', timeout: 3 * WAIT_MS });
    await page
      .getByText('authorizePayment', { exact: false })
      .first()
      .waitFor({ timeout: 3 * WAIT_MS });
    expect(requested.filter((url) => new URL(url).origin !== origin)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
