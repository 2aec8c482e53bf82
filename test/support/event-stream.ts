import { get, type IncomingMessage } from 'node:http';

/**
 * An open event stream over node:http without an agent, so that closing it closes its one connection (fetch's pool
 * may open a spare connection that outlives the test). `until` reads on until the text so far matches.
 */
export async function openStream(url: string, headers: Record<string, string> = {}) {
  const request = get(url, { agent: false, headers });
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    request.once('response', resolve);
    request.once('error', reject);
  });
  response.setEncoding('utf8');
  let received = '';
  let ended = false;
  const waiting = new Set<() => void>();
  const wake = () => {
    for (const resolve of waiting) resolve();
    waiting.clear();
  };
  response.on('data', (chunk: string) => {
    received += chunk;
    wake();
  });
  response.on('close', () => {
    ended = true;
    wake();
  });
  return {
    status: response.statusCode,
    headers: response.headers,
    close: () => request.destroy(),
    async until(pattern: RegExp): Promise<RegExpMatchArray> {
      for (;;) {
        const match = received.match(pattern);
        if (match !== null) return match;
        if (ended) throw new Error(`stream ended before ${pattern}: ${received}`);
        await new Promise<void>((resolve) => waiting.add(resolve));
      }
    },
  };
}
