import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ScenarioFault } from '../../contracts/index.js';
import type { Sleep } from '../sleep.js';

/**
 * Network faults happen on the socket, past Fastify: the reply is hijacked and the connection dropped the way
 * the fault names. `reset` sends a TCP RST; `empty_reply` and `response_lost` close without a byte of answer;
 * `hang` holds the connection until the client leaves, the app closes, or `hangMaxMs` passes, then closes it.
 */
export async function carryOutFault(
  fault: ScenarioFault,
  request: FastifyRequest,
  reply: FastifyReply,
  options: { sleep: Sleep; hangMaxMs: number; signal: AbortSignal },
): Promise<void> {
  reply.hijack();
  const socket = request.raw.socket;
  if (fault === 'reset') {
    socket.resetAndDestroy();
    return;
  }
  if (fault === 'hang') await options.sleep(options.hangMaxMs, options.signal);
  socket.destroy();
}
