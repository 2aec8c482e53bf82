import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  CreatedSigningKey,
  NotificationSample,
  SigningKeyList,
  SimulatedEvent,
  Webhook,
  WebhookList,
} from '../../contracts/index.js';
import { servedApp } from '../support/test-app.js';

const DIR = join(import.meta.dirname, '../../fixtures/samples/notifications');
const samples = readdirSync(DIR)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => [file, NotificationSample.parse(JSON.parse(readFileSync(join(DIR, file), 'utf8')))] as const);
const served = servedApp();

/** The contract each answer is checked against, by what the sample asks for. */
function contractOf(sample: NotificationSample): z.ZodType {
  if (sample.path.endsWith('/simulate')) return SimulatedEvent;
  if (sample.path.startsWith('/v2/notification/signing-keys')) {
    return sample.method === 'GET' ? SigningKeyList : CreatedSigningKey;
  }
  return sample.method === 'GET' && sample.path === '/v2/notification/webhooks' ? WebhookList : Webhook;
}

describe("Klarna's webhook-management samples, in order", () => {
  it('answers each with its documented status and a body its contract accepts', async () => {
    expect(samples.length).toBeGreaterThanOrEqual(5);
    const ids: Record<string, string> = {};
    const fill = (text: string) =>
      text.replace(/\{(signing_key_id|webhook_id)\}/g, (_, name: string) => ids[name] ?? '');
    for (const [file, sample] of samples) {
      const response = await fetch(`${served.base}${fill(sample.path)}`, {
        method: sample.method,
        headers: { authorization: 'Basic klarna_test_api_k', 'content-type': 'application/json' },
        ...(sample.body !== undefined && { body: fill(JSON.stringify(sample.body)) }),
      });
      const json = (await response.json()) as Record<string, unknown>;
      expect({ file, status: response.status }).toEqual({ file, status: sample.expected_status });
      expect(contractOf(sample).safeParse(json).success, file).toBe(true);
      for (const name of ['signing_key_id', 'webhook_id']) if (typeof json[name] === 'string') ids[name] = json[name];
    }
    expect(Object.keys(ids).sort()).toEqual(['signing_key_id', 'webhook_id']);
  });
});
