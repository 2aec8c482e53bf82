import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { servedApp } from '../support/test-app.js';

// docs/guides/after-payment.md is executed: every ```sh block is replayed with fetch, in order, against the
// simulator, and each answer must have the status (and the state) its comment gives.
const GUIDE = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'guides', 'after-payment.md'), 'utf8');

interface Step {
  /** The block as written, for the failure message. */
  text: string;
  assignments: Array<[string, string]>;
  call?: {
    method: string;
    url: string;
    headers: string[];
    body: string | undefined;
    status: number;
    state: string | undefined;
    /** `NAME=$(curl … | jq -r '.a.b')`: where the answer's value goes. */
    keep: { name: string; path: string[] } | undefined;
  };
}

/** The shell blocks of the guide, read the way a shell would for this small subset: variables, one curl each. */
function stepsOf(markdown: string): Step[] {
  return [...markdown.matchAll(/```sh\n([\s\S]*?)```/g)].map(([, block = '']) => {
    const text = block.replace(/\\\n\s*/g, ' ');
    const assignments = [...text.matchAll(/^([A-Z_]+)='([^']*)'$/gm)].map(([, name = '', value = '']) => [
      name,
      value,
    ]) as Array<[string, string]>;
    const curl = /curl -s ([\s\S]*)/.exec(text)?.[1];
    if (curl === undefined) return { text: block, assignments };
    const status = /→ (\d{3})/.exec(text)?.[1];
    if (status === undefined) throw new Error(`a curl block without its expected status:\n${block}`);
    const keep = /^([A-Z_]+)=\$\(curl[\s\S]*jq -r '([^']+)'\)/m.exec(text);
    return {
      text: block,
      assignments,
      call: {
        method: /-X (\w+)/.exec(curl)?.[1] ?? 'GET',
        url: /"(\$BASE[^"]*)"/.exec(curl)?.[1] ?? '',
        headers: [...curl.matchAll(/-H (?:"([^"]+)"|'([^']+)')/g)].map(([, a, b]) => a ?? b ?? ''),
        body: /-d '([^']*)'/.exec(curl)?.[1],
        status: Number(status),
        state: /"state": "([A-Z_]+)"/.exec(text.split('\n').find((line) => line.startsWith('#')) ?? '')?.[1],
        keep: keep === null ? undefined : { name: keep[1] ?? '', path: (keep[2] ?? '').split('.').filter(Boolean) },
      },
    };
  });
}

const served = servedApp();

describe('docs/guides/after-payment.md', () => {
  const steps = stepsOf(GUIDE);

  it('has the walk-through: authorize, two captures, a refund, reads, and an expiry on the clock', () => {
    const calls = steps.flatMap((step) => (step.call ? [`${step.call.method} ${step.call.status}`] : []));
    expect(calls).toEqual([
      'POST 200',
      'POST 201',
      'POST 403',
      'POST 201',
      'POST 201',
      'GET 200',
      'GET 200',
      'GET 200',
      'POST 200',
      'POST 200',
      'GET 200',
      'POST 409',
      'POST 200',
      'GET 200',
    ]);
  });

  it('answers every command with the status and state the guide gives', async () => {
    const vars: Record<string, string> = {};
    const expand = (text: string) =>
      text.replace(/\$([A-Z_]+)/g, (_match, name: string) =>
        name === 'BASE' ? served.base : (vars[name] ?? `$${name}`),
      );
    for (const step of steps) {
      for (const [name, value] of step.assignments) vars[name] = value;
      const call = step.call;
      if (call === undefined) continue;
      const headers = Object.fromEntries(
        call.headers.map((header) => {
          const [name = '', ...value] = expand(header).split(':');
          return [name.trim(), value.join(':').trim()];
        }),
      );
      const response = await fetch(expand(call.url), {
        method: call.method,
        headers,
        ...(call.body !== undefined && { body: call.body }),
      });
      const json = (await response.json()) as Record<string, unknown>;
      expect({ status: response.status, block: step.text }).toEqual({ status: call.status, block: step.text });
      if (call.state !== undefined) expect(json.state).toBe(call.state);
      if (call.keep !== undefined) {
        const value = call.keep.path.reduce<unknown>((at, key) => (at as Record<string, unknown>)?.[key], json);
        expect(typeof value).toBe('string');
        vars[call.keep.name] = String(value);
      }
    }
  });
});
