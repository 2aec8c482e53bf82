import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../contracts/json-depth.js';

/** A request to the provider; `body` is sent as JSON, `rawBody` as it is. */
export interface ProviderRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  rawBody?: string;
}

/** What came back, before any check: status, lower-case headers, the text and its JSON when it parses. */
export interface Exchange {
  status: number;
  headers: Record<string, string | undefined>;
  text: string;
  json: unknown;
}

/** The request never got an answer (refused, reset, timed out). */
export class NoAnswerError extends Error {
  constructor(
    readonly url: string,
    readonly code: string | undefined,
    detail: string,
  ) {
    super(detail);
  }
}

const REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host lookup failed',
  ETIMEDOUT: 'connection timed out',
};

/** How long one request may take, its whole answer included, unless --timeout says otherwise. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** An answer larger than this is not read to its end: no Klarna answer comes near it. */
export const MAX_ANSWER_BYTES = 10 * 1024 * 1024;

/** A network error in words: `connection refused (ECONNREFUSED)`, or its own message when the code is not known. */
export function networkReason(code: string | undefined, message: string): string {
  const reason = (code && REASONS[code]) ?? message;
  return code && !reason.includes(code) ? `${reason} (${code})` : reason;
}

/**
 * Sends one request and reads the whole answer within `timeoutMs`: the deadline covers connecting, waiting and a
 * body that trickles in, and when it passes the request is aborted, its socket closed. Bodies are sent as given
 * (`rawBody`) or as JSON; nothing is compressed or decompressed, and no redirect is followed.
 */
export function send(request: ProviderRequest, timeoutMs: number): Promise<Exchange> {
  const url = new URL(request.url);
  const body = request.rawBody ?? (request.body === undefined ? undefined : JSON.stringify(request.body));
  const headers: Record<string, string> = { ...request.headers };
  const named = (name: string) => Object.keys(headers).some((h) => h.toLowerCase() === name);
  if (request.rawBody === undefined && request.body !== undefined && !named('content-type')) {
    headers['content-type'] = 'application/json';
  }
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  const signal = AbortSignal.timeout(timeoutMs);
  const open = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<Exchange>((resolve, reject) => {
    const fail = (error: NodeJS.ErrnoException) => {
      const reason = signal.aborted ? `no answer within ${timeoutMs} ms` : networkReason(error.code, error.message);
      reject(new NoAnswerError(request.url, signal.aborted ? undefined : error.code, reason));
    };
    const outgoing = open(url, { method: request.method, headers, signal }, (answer) => {
      const chunks: Buffer[] = [];
      let size = 0;
      answer.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_ANSWER_BYTES) {
          outgoing.destroy();
          reject(new NoAnswerError(request.url, undefined, `answer larger than ${MAX_ANSWER_BYTES} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      answer.on('error', fail);
      // Cut off mid-answer (aborted at the deadline, or the provider closed): settled here if nothing else did.
      answer.on('close', () => {
        if (!answer.complete)
          fail(Object.assign(new Error('closed before the whole answer came'), { code: 'ECONNRESET' }));
      });
      answer.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const answerHeaders: Exchange['headers'] = {};
        for (const [name, value] of Object.entries(answer.headers)) {
          answerHeaders[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
        }
        resolve({ status: answer.statusCode ?? 0, headers: answerHeaders, text, json: parseJson(text) });
      });
    });
    outgoing.on('error', fail);
    outgoing.end(body);
  });
}

/**
 * The body as JSON, or undefined when it is not JSON. JSON nested deeper than any Klarna answer counts as not JSON:
 * the checks and the report walk what they are given, and thousands of levels would overflow the stack.
 */
function parseJson(text: string): unknown {
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
