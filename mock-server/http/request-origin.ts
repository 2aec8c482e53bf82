import { isIPv6 } from 'node:net';
import type { FastifyRequest } from 'fastify';

/** A host name or IPv4 address, or an IPv6 literal in brackets, with an optional port: nothing else. */
const HOST_AND_PORT = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?$/;

/**
 * The origin payment_request_url points at: the Host the client sent when it is a plain host[:port] (a Host such
 * as `127.0.0.1:4801@evil.example` would otherwise send the customer elsewhere), else the address the request
 * reached.
 */
export function requestOrigin(request: FastifyRequest): string {
  const host = request.host;
  const match = HOST_AND_PORT.exec(host);
  if (match !== null && Number(match[1] ?? 0) <= 65535 && URL.canParse(`${request.protocol}://${host}`)) {
    return new URL(`${request.protocol}://${host}`).origin;
  }
  const { localAddress, localPort } = request.raw.socket;
  if (localAddress === undefined || localPort === undefined) return `${request.protocol}://127.0.0.1`;
  // An IPv4 client of a dual-stack socket arrives as ::ffff:a.b.c.d.
  const address = localAddress.startsWith('::ffff:') ? localAddress.slice(7) : localAddress;
  return `${request.protocol}://${isIPv6(address) ? `[${address}]` : address}:${localPort}`;
}
