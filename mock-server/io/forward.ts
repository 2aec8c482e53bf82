import http from 'node:http';
import https from 'node:https';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

/** The upstream's answer as it came: status, headers (hop-by-hop ones left out) and body bytes. */
export interface UpstreamAnswer {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/** Why the upstream gave no answer. */
export interface UpstreamFailure {
  failure: 'timeout' | 'unreachable';
  message: string;
}

export interface OutgoingRequest {
  method: string;
  /** Path and query as the partner sent them. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer | undefined;
}

export interface Upstream {
  send(request: OutgoingRequest): Promise<UpstreamAnswer | UpstreamFailure>;
  close(): void;
}

// Headers of one connection, not of the message (RFC 9110 §7.6.1): never passed on, in either direction.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** The headers minus hop-by-hop ones, those the Connection header names included. */
export function endToEnd<T>(headers: Record<string, T>): Record<string, Exclude<T, undefined>> {
  const named = String(headers.connection ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase());
  const out: Record<string, Exclude<T, undefined>> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name) && !named.includes(name))
      out[name] = value as Exclude<T, undefined>;
  }
  return out;
}

/**
 * Sends requests to one upstream over kept-alive connections. The partner's method, path, query, headers (but Host
 * and hop-by-hop ones) and body go as received; an answer that does not start within `timeoutMs`, or does not end
 * within it, is a timeout.
 */
export function upstreamOf(base: URL, options: { timeoutMs: number; maxResponseBytes: number }): Upstream {
  const client = base.protocol === 'https:' ? https : http;
  const agent = new client.Agent({ keepAlive: true });
  const prefix = base.pathname.replace(/\/$/, '');
  const send = (request: OutgoingRequest) =>
    new Promise<UpstreamAnswer | UpstreamFailure>((resolve) => {
      const headers = endToEnd(request.headers);
      delete headers.host;
      const outgoing = client.request(
        {
          protocol: base.protocol,
          hostname: base.hostname,
          port: base.port,
          method: request.method,
          path: `${prefix}${request.url}`,
          headers,
          agent,
        },
        (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > options.maxResponseBytes) {
              outgoing.destroy(new Error(`the answer exceeds ${options.maxResponseBytes} bytes`));
              return;
            }
            chunks.push(chunk);
          });
          response.on('end', () => {
            clearTimeout(timer);
            resolve({
              status: response.statusCode ?? 502,
              headers: endToEnd(response.headers),
              body: Buffer.concat(chunks),
            });
          });
          response.on('error', fail);
        },
      );
      const timer = setTimeout(() => {
        timedOut = true;
        outgoing.destroy(new Error(`no answer within ${options.timeoutMs} ms`));
      }, options.timeoutMs);
      let timedOut = false;
      function fail(error: Error & { code?: string }) {
        clearTimeout(timer);
        const message = error.code === undefined ? error.message : `${error.code}: ${error.message}`;
        resolve({ failure: timedOut ? 'timeout' : 'unreachable', message });
      }
      outgoing.on('error', fail);
      outgoing.end(request.body);
    });
  return { send, close: () => agent.destroy() };
}

/** A compressed answer is checked up to this size once inflated (a small body can inflate to gigabytes). */
const LIMIT = { maxOutputLength: 16 * 1024 * 1024 };

/** The body as text for the checks, decompressed when the upstream compressed it (the partner gets it as sent). */
export function bodyText(body: Buffer, encoding: string | string[] | undefined): string {
  try {
    switch (String(encoding ?? '').toLowerCase()) {
      case 'gzip':
        return gunzipSync(body, LIMIT).toString('utf8');
      case 'deflate':
        return inflateSync(body, LIMIT).toString('utf8');
      case 'br':
        return brotliDecompressSync(body, LIMIT).toString('utf8');
      default:
        return body.toString('utf8');
    }
  } catch {
    return body.toString('utf8');
  }
}
