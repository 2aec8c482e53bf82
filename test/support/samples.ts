import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SampleRequest } from '../../contracts/index.js';

const dir = join(import.meta.dirname, '../../fixtures/samples');

/** Klarna's documented requests, each parsed by its contract schema so a broken fixture fails loudly. */
export function loadSamples(): Record<string, SampleRequest> {
  const samples: Record<string, SampleRequest> = {};
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const parsed = SampleRequest.safeParse(JSON.parse(readFileSync(join(dir, file), 'utf8')));
    if (!parsed.success) throw new Error(`fixtures/samples/${file}: ${parsed.error.message}`);
    samples[file.replace(/\.json$/, '')] = parsed.data;
  }
  return samples;
}

export const ACCOUNT = 'krn:partner:global:account:test:M48JWZF8';
export const AUTHORIZE_URL = (account = ACCOUNT) => `/v2/accounts/${encodeURIComponent(account)}/payment/authorize`;
