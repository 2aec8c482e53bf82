import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ScenarioFault } from '../../../contracts/index.js';

/**
 * Network faults happen on the socket, past Fastify: the reply is hijacked and the connection dropped the way
 * the fault names. `reset` sends a TCP RST; `empty_reply` and `response_lost` close without a byte of answer;
 * `hang` holds the connection until the client leaves, the app closes, or `hangMaxMs` passes, then closes it.
 */
export async function carryOutFault(
  fault: ScenarioFault,
  request: FastifyRequest,
  reply: FastifyReply,
  /** Holds a hanging request: resolves at the hang bound, or earlier when the client or the app leaves. */
  hang: () => Promise<void>,
): Promise<void> {
  reply.hijack();
  const socket = request.raw.socket;
  if (fault === 'reset') {
    socket.resetAndDestroy();
    return;
  }
  if (fault === 'hang') await hang();
  socket.destroy();
}
