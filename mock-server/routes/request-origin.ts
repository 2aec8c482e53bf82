import type { FastifyRequest } from 'fastify';

/** The origin a request was addressed to, for payment_request_url when no publicUrl is configured. */
export function requestOrigin(request: FastifyRequest): string {
  try {
    return new URL(`${request.protocol}://${request.host}`).origin;
  } catch {
    return 'http://127.0.0.1:4747';
  }
}
