import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { PaymentRequestSample, parseJsonFile, SampleRequest } from '../contracts/index.js';
import type { SuiteContext } from './interaction.js';
import type { ProviderRequest } from './provider-client.js';

/**
 * fixtures/samples at the package root: one level up from the sources (tsx), two from the compiled files (dist/),
 * which the published package ships without a copy of the fixtures.
 */
const SAMPLE_DIRS = ['../fixtures/samples', '../../fixtures/samples'].map((up) => join(import.meta.dirname, up));
export const SAMPLES_DIR = SAMPLE_DIRS.find((dir) => existsSync(dir)) ?? String(SAMPLE_DIRS[0]);

/** Klarna's documented requests in fixtures/samples/, each parsed by SampleRequest; a broken file names itself. */
export function loadSamples(dir = SAMPLES_DIR): Record<string, SampleRequest> {
  return loadJsonDir(dir, SampleRequest);
}

/**
 * The documented payment request calls in `<samples>/payment-requests/`, each parsed by PaymentRequestSample; none
 * when the folder is missing (a samples folder of a user's own may have only authorize requests).
 */
export function loadPaymentRequestSamples(dir = SAMPLES_DIR): Record<string, PaymentRequestSample> {
  const folder = join(dir, 'payment-requests');
  return existsSync(folder) ? loadJsonDir(folder, PaymentRequestSample) : {};
}

/** Every `*.json` of a folder, by name without `.json`, in name order, parsed by `schema`; a broken file names itself. */
function loadJsonDir<S extends z.ZodType>(dir: string, schema: S): Record<string, z.output<S>> {
  const out: Record<string, z.output<S>> = {};
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const path = join(dir, file);
    // The suite imports contracts/, never mock-server/: the read is here, the parse and its reasons are shared.
    const parsed = parseJsonFile(path, readFileSync(path, 'utf8'), schema);
    if (!parsed.ok) throw new Error(`${parsed.file}: ${parsed.reason}`);
    out[file.replace(/\.json$/, '')] = parsed.data;
  }
  return out;
}

export function sampleNamed(ctx: SuiteContext, name: string): SampleRequest {
  const sample = ctx.samples[name];
  if (sample === undefined) throw new Error(`fixtures/samples/${name}.json is missing`);
  return sample;
}

/**
 * A documented path with the run's account filled in. Klarna writes the account id with raw colons
 * (krn:partner:global:account:test:M48JWZF8); keep them readable.
 */
export function providerUrl(ctx: Pick<SuiteContext, 'baseUrl' | 'account'>, template: string): string {
  const account = encodeURIComponent(ctx.account).replace(/%3A/gi, ':');
  return `${ctx.baseUrl}${template.replace('{partner_account_id}', account)}`;
}

/** The sample's authorize path (the account path unless it names Klarna Direct's). */
export function authorizeUrl(ctx: Pick<SuiteContext, 'baseUrl' | 'account'>, sample?: SampleRequest): string {
  return providerUrl(ctx, sample?.path ?? '/v2/accounts/{partner_account_id}/payment/authorize');
}

/**
 * The sample's request as this run sends it: the caller's API key instead of the sample's made-up one, a fresh
 * Klarna-Idempotency-Key, and a fresh session token, so that reruns against a long-running simulator never meet
 * the records of an earlier run.
 */
export function documentedRequest(
  ctx: SuiteContext,
  sample: SampleRequest,
  changes: { headers?: Record<string, string>; omitAuthorization?: boolean; body?: unknown } = {},
): ProviderRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(sample.headers)) if (typeof value === 'string') headers[name] = value;
  headers.authorization = `Basic ${ctx.apiKey}`;
  if (changes.omitAuthorization) delete headers.authorization;
  headers['klarna-idempotency-key'] = randomUUID();
  for (const name of ['klarna-network-session-token', 'klarna-payment-token']) {
    const token = headers[name];
    if (token !== undefined) headers[name] = `${token}-${randomUUID()}`;
  }
  return {
    method: 'POST',
    url: authorizeUrl(ctx, sample),
    headers: { ...headers, ...changes.headers },
    body: changes.body ?? sample.body,
  };
}
