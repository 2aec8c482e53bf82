import { afterEach, describe, expect, it } from 'vitest';
import { MAX_NOTE_BYTES, type ReportCollector, startReportCollector } from '../../certify/report-collector.js';

// certify's report URL, as a client's receiver uses it: one path per case, notes checked against the contract.

let collector: ReportCollector | undefined;
afterEach(() => collector?.stop());

const post = (url: string, body: string) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

describe("certify's report collector", () => {
  it('subscribes the receiver before answering, keeps effects in order, and holds done until the webhooks are out', async () => {
    collector = await startReportCollector();
    const calls: string[] = [];
    collector.open(1, {
      async receiver(url) {
        calls.push(`receiver ${url}`);
      },
      async done() {
        calls.push('done');
      },
    });
    const url = collector.url(1);
    expect((await post(url, JSON.stringify({ type: 'receiver', url: 'http://127.0.0.1:9/hooks' }))).status).toBe(204);
    expect(calls).toEqual(['receiver http://127.0.0.1:9/hooks']);
    await post(url, JSON.stringify({ type: 'effect', event_id: 'e1', state: 'EXPIRED' }));
    await post(url, JSON.stringify({ type: 'effect', event_id: 'e2', state: 'AUTHORIZED' }));
    expect((await post(url, JSON.stringify({ type: 'done' }))).status).toBe(204);
    expect(calls).toEqual(['receiver http://127.0.0.1:9/hooks', 'done']);
    expect(collector.close(1)).toEqual({
      receiver: 'http://127.0.0.1:9/hooks',
      effects: [
        { event_id: 'e1', state: 'EXPIRED' },
        { event_id: 'e2', state: 'AUTHORIZED' },
      ],
      done: true,
      refused: [],
    });
  });

  it('refuses a bad note with 400, a big one with 413, a closed case with 404, and says so in the notes', async () => {
    collector = await startReportCollector();
    const noop = async () => {};
    collector.open(2, { receiver: noop, done: noop });
    const url = collector.url(2);
    expect((await post(url, 'not json')).status).toBe(400);
    const bad = await post(url, JSON.stringify({ type: 'effect', state: 'AUTHORIZED' }));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: expect.stringContaining('event_id') });
    expect((await post(url, JSON.stringify({ type: 'receiver', url: 'ftp://x' }))).status).toBe(400);
    expect((await post(url, 'x'.repeat(MAX_NOTE_BYTES + 1))).status).toBe(413);
    const notes = collector.close(2);
    expect(notes.refused).toHaveLength(4);
    expect(notes.effects).toEqual([]);
    expect((await post(url, JSON.stringify({ type: 'done' }))).status).toBe(404);
  });
});
