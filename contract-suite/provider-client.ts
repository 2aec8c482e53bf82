import pactum from 'pactum';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../mock-server/json-depth.js';

/** A request to the provider; `body` is sent as JSON, `rawBody` as it is. */
export interface ProviderRequest {
  method: 'GET' | 'POST';
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

interface PactumResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  text?: string;
}

const REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host lookup failed',
  ETIMEDOUT: 'connection timed out',
};

/** A network error in words: `connection refused (ECONNREFUSED)`, or its own message when the code is not known. */
export function networkReason(code: string | undefined, message: string): string {
  const reason = (code && REASONS[code]) ?? message;
  return code && !reason.includes(code) ? `${reason} (${code})` : reason;
}

/**
 * Sends one request with pactum. No pactum expectation is set: the suite collects every violation itself, and
 * pactum's own assertions would stop at the first one. Its logging is silenced so a refused connection is reported
 * once, by the suite.
 */
export async function send(request: ProviderRequest, timeoutMs: number): Promise<Exchange> {
  let spec = pactum.spec().useLogLevel('SILENT').withRequestTimeout(timeoutMs);
  spec = request.method === 'GET' ? spec.get(request.url) : spec.post(request.url);
  if (request.headers) spec = spec.withHeaders(request.headers);
  if (request.rawBody !== undefined) spec = spec.withBody(request.rawBody);
  else if (request.body !== undefined) spec = spec.withJson(request.body as object);
  let response: PactumResponse;
  // pactum's timeout is the socket's idle time: an answer that trickles in a byte at a time never trips it. The
  // deadline covers the whole exchange; a request it abandons is left to end on its own (the CLI exits anyway).
  let deadline: NodeJS.Timeout | undefined;
  const tossed = spec.toss() as Promise<PactumResponse>;
  tossed.catch(() => undefined);
  try {
    response = await Promise.race([
      tossed,
      new Promise<never>((_, reject) => {
        deadline = setTimeout(() => reject(new Error('Timeout reached')), timeoutMs);
      }),
    ]);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    const reason = message === 'Timeout reached' ? `no answer within ${timeoutMs} ms` : networkReason(code, message);
    throw new NoAnswerError(request.url, code, reason);
  } finally {
    clearTimeout(deadline);
  }
  const headers: Exchange['headers'] = {};
  for (const [name, value] of Object.entries(response.headers)) {
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  const text = response.text ?? '';
  return { status: response.statusCode, headers, text, json: parseJson(text) };
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
