import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { MockApp } from '../mock-server/app/build-app.js';
import { REDACTED_HEADERS } from '../mock-server/core/redacted-headers.js';
import { recordingSleep } from './support/recording-sleep.js';
import { AUTHORIZE_URL, loadSamples } from './support/samples.js';
import { testApp } from './support/test-app.js';

interface LogLine extends Record<string, unknown> {
  request: { method: string; url: string; headers: Record<string, unknown> };
}

/** A log destination that keeps every line and lets a test wait for the n-th one instead of sleeping. */
function logCollector() {
  const lines: string[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      for (const waiter of waiters.filter((w) => lines.length >= w.count)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
      callback();
    },
  });
  const linesSoFar = async (count: number) => {
    if (lines.length < count) await new Promise<void>((resolve) => waiters.push({ count, resolve }));
    return lines.map((line) => JSON.parse(line) as LogLine);
  };
  return { stream, linesSoFar };
}

const samples = loadSamples();
const sampleNamed = (name: string) => {
  const sample = samples[name];
  if (sample === undefined) throw new Error(`no fixtures/samples/${name}.json`);
  return sample;
};
let app: MockApp | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('the request log', () => {
  it('has samples to log (the table below is not empty)', () => {
    expect(Object.keys(samples).length).toBeGreaterThan(0);
  });

  it.each(Object.entries(samples))(
    'writes one line for the %s sample, with the deciding rule and credentials redacted',
    async (_name, sample) => {
      const log = logCollector();
      ({ app } = await testApp({ logger: { stream: log.stream } }));

      const response = await app.inject({
        method: 'POST',
        url: AUTHORIZE_URL(),
        headers: sample.headers as Record<string, string>,
        payload: sample.body,
      });
      expect(response.statusCode).toBe(200);
      // A second request whose line comes after: had the first request logged twice, both lines would be in by now.
      await app.inject({ method: 'GET', url: '/__mock/health' });
      const lines = await log.linesSoFar(2);

      expect(lines).toHaveLength(2);
      const [line, next] = lines as [LogLine, LogLine];
      expect(next).toMatchObject({ request: { method: 'GET', url: '/__mock/health' }, statusCode: 200 });
      expect(line).toMatchObject({
        level: 30,
        request: { method: 'POST', url: AUTHORIZE_URL() },
        statusCode: 200,
        rule: expect.any(String),
        msg: `POST ${AUTHORIZE_URL()} 200`,
      });
      const { headers } = line.request;
      expect(headers['content-type']).toBe('application/json');
      const raw = JSON.stringify(line);
      const credentials = Object.entries(sample.headers).filter(
        (entry): entry is [string, string] => REDACTED_HEADERS.includes(entry[0]) && entry[1] !== undefined,
      );
      // Every sample sends at least its API key: a sample without one would check nothing here.
      expect(credentials.length).toBeGreaterThan(0);
      for (const [name, value] of credentials) {
        expect(headers[name]).toBe('[redacted]');
        expect(raw).not.toContain(value);
      }
    },
  );

  it('redacts proxy credentials, cookies and secrets in the query string', async () => {
    const log = logCollector();
    ({ app } = await testApp({ logger: { stream: log.stream } }));
    const sample = sampleNamed('final-authorization');
    const secrets = ['proxy-secret-1', 'cookie-secret-2', 'set-cookie-secret-3', 'query-secret-4', 'query-secret-5'];
    const url = `${AUTHORIZE_URL()}?token=${secrets[3]}&keep=visible&API_KEY=${secrets[4]}`;
    await app.inject({
      method: 'POST',
      url,
      headers: {
        ...(sample.headers as Record<string, string>),
        'proxy-authorization': `Basic ${secrets[0]}`,
        cookie: `session=${secrets[1]}`,
        'set-cookie': `x=${secrets[2]}`,
      },
      payload: sample.body,
    });

    const [line] = await log.linesSoFar(1);
    const redactedUrl = `${AUTHORIZE_URL()}?token=[redacted]&keep=visible&API_KEY=[redacted]`;
    expect(line).toMatchObject({ request: { url: redactedUrl }, msg: `POST ${redactedUrl} 200` });
    expect(line?.request.headers).toMatchObject({
      'proxy-authorization': '[redacted]',
      cookie: '[redacted]',
      'set-cookie': '[redacted]',
    });
    for (const secret of secrets) expect(JSON.stringify(line)).not.toContain(secret);
  });

  it("names the rule that decided: Klarna's final-authorization sample carries a token never issued here, context", async () => {
    const log = logCollector();
    ({ app } = await testApp({ logger: { stream: log.stream } }));
    const sample = sampleNamed('final-authorization');
    await app.inject({
      method: 'POST',
      url: AUTHORIZE_URL(),
      headers: sample.headers as Record<string, string>,
      payload: sample.body,
    });

    const [line] = await log.linesSoFar(1);
    expect(line?.rule).toBe('default (the session token, never issued here, is context)');
  });

  it('puts the request id (Klarna-Correlation-Id) on every line of a request', async () => {
    const log = logCollector();
    ({ app } = await testApp({ logger: { stream: log.stream, level: 'debug' }, sleep: recordingSleep().sleep }));
    const sample = sampleNamed('final-authorization');
    const response = await app.inject({
      method: 'POST',
      url: AUTHORIZE_URL(),
      headers: { ...(sample.headers as Record<string, string>), 'mock-scenario': 'delay' },
      payload: sample.body,
    });
    expect(response.statusCode).toBe(200);

    const lines = await log.linesSoFar(2);
    expect(lines.map((line) => line.level)).toEqual([20, 30]);
    for (const line of lines) expect(line.reqId).toBe(response.headers['klarna-correlation-id']);
  });

  it('logs a 500 a scenario staged as one info line naming the scenario, with no error line or stack', async () => {
    const log = logCollector();
    ({ app } = await testApp({ logger: { stream: log.stream } }));
    const sample = sampleNamed('final-authorization');
    const send = (scenario: string) =>
      app?.inject({
        method: 'POST',
        url: AUTHORIZE_URL(),
        headers: { ...(sample.headers as Record<string, string>), 'mock-scenario': scenario },
        payload: sample.body,
      });
    expect((await send('internal-error'))?.statusCode).toBe(500);
    // The line of a second request comes after: had the first one logged an error line too, it would be in by now.
    expect((await send('declined'))?.statusCode).toBe(200);

    const lines = await log.linesSoFar(2);
    expect(lines.map((line) => [line.level, line.scenario])).toEqual([
      [30, 'internal-error'],
      [30, 'declined'],
    ]);
    expect(JSON.stringify(lines)).not.toContain('stack');
  });

  it('logs a request refused before any decision, with its status and no rule', async () => {
    const log = logCollector();
    ({ app } = await testApp({ logger: { stream: log.stream } }));
    const sample = sampleNamed('final-authorization');
    const headers = { ...(sample.headers as Record<string, string>), authorization: 'Bearer not-a-klarna-key' };
    const response = await app.inject({ method: 'POST', url: AUTHORIZE_URL(), headers, payload: sample.body });
    expect(response.statusCode).toBe(401);

    const [line] = await log.linesSoFar(1);
    expect(line).toMatchObject({ statusCode: 401, request: { headers: { authorization: '[redacted]' } } });
    expect(line).not.toHaveProperty('rule');
    expect(JSON.stringify(line)).not.toContain('not-a-klarna-key');
  });
});
