import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SampleRequest } from '../contracts/index.js';
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
  const samples: Record<string, SampleRequest> = {};
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    } catch (error) {
      throw new Error(`${join(dir, file)}: ${(error as Error).message}`);
    }
    const parsed = SampleRequest.safeParse(json);
    if (!parsed.success) throw new Error(`${join(dir, file)}: ${parsed.error.message}`);
    samples[file.replace(/\.json$/, '')] = parsed.data;
  }
  return samples;
}

export function sampleNamed(ctx: SuiteContext, name: string): SampleRequest {
  const sample = ctx.samples[name];
  if (sample === undefined) throw new Error(`fixtures/samples/${name}.json is missing`);
  return sample;
}

/** Klarna writes the account id with raw colons (krn:partner:global:account:test:M48JWZF8); keep them readable. */
export function authorizeUrl(ctx: Pick<SuiteContext, 'baseUrl' | 'account'>): string {
  const account = encodeURIComponent(ctx.account).replace(/%3A/gi, ':');
  return `${ctx.baseUrl}/v2/accounts/${account}/payment/authorize`;
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
    url: authorizeUrl(ctx),
    headers: { ...headers, ...changes.headers },
    body: changes.body ?? sample.body,
  };
}
