import type { IncomingHttpHeaders } from 'node:http';

// https://docs.klarna.com/klarna-network-distribution/setup-your-integration/integration-resilience/request-limits
// "Any single header (key + value) ≤ 6 KB; all headers together ≤ 20 KB."
export const MAX_HEADER_BYTES = 6 * 1024;
export const MAX_HEADERS_BYTES = 20 * 1024;

/**
 * The header that breaks Klarna's limits, if any. Klarna-Network-Session-Token is left to validation, which
 * allows it 8192 characters (docs/simulator-choices.md#limits, after the interoperability token's documented bound).
 * One header is measured as Node hands it over (a header sent on several lines is one value, joined with ", "); the
 * total counts every line received, including repeats Node drops (a second User-Agent). Plain loops, no
 * allocation: this runs on every request.
 */
export function oversizedHeader(headers: IncomingHttpHeaders, rawHeaders: string[]): string | undefined {
  for (const name in headers) {
    const value = headers[name];
    let size = name.length;
    if (typeof value === 'string') size += value.length;
    else if (Array.isArray(value))
      for (let i = 0; i < value.length; i++) size += (i > 0 ? 2 : 0) + (value[i] as string).length;
    if (size > MAX_HEADER_BYTES && name !== 'klarna-network-session-token') return name;
  }
  let total = 0;
  for (const part of rawHeaders) total += part.length;
  return total > MAX_HEADERS_BYTES ? 'all headers together' : undefined;
}
