// https://docs.klarna.com/klarna-network-distribution/setup-your-integration/integration-resilience/request-limits
// "Any single header (key + value) ≤ 6 KB; all headers together ≤ 20 KB."
export const MAX_HEADER_BYTES = 6 * 1024;
export const MAX_HEADERS_BYTES = 20 * 1024;

/**
 * The header that breaks Klarna's limits, if any. Klarna-Network-Session-Token is left to validation, which
 * allows it 8192 characters (simulator-decisions §1, after the interoperability token's documented bound).
 */
export function oversizedHeader(rawHeaders: string[]): string | undefined {
  let total = 0;
  // Name, value, name, value… as received, repeated headers included.
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    const size = name.length + (rawHeaders[i + 1] as string).length;
    total += size;
    if (size > MAX_HEADER_BYTES && name.toLowerCase() !== 'klarna-network-session-token') return name.toLowerCase();
  }
  return total > MAX_HEADERS_BYTES ? 'all headers together' : undefined;
}
