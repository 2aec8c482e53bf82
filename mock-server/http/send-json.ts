import type { FastifyReply } from 'fastify';

/**
 * Sends an already serialized (and contract-checked) JSON body. Fastify passes string payloads through
 * untouched, which is what makes idempotent replays byte for byte.
 */
export function sendJson(reply: FastifyReply, status: number, body: string): FastifyReply {
  return (reply as FastifyReply).code(status).type('application/json; charset=utf-8').send(body);
}

/** 204 with no body (disarm, unsubscribe, arm a fault). */
export function sendNoContent(reply: FastifyReply): FastifyReply {
  return (reply as FastifyReply).code(204).send();
}
