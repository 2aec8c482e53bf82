import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sendJson } from './send-json.js';

export const Health = z.object({ status: z.literal('ok') });

export function healthRoute(app: FastifyInstance) {
  app
    .withTypeProvider<ZodTypeProvider>()
    .get(
      '/__mock/health',
      { schema: { tags: ['Simulator admin'], summary: 'Liveness of the simulator', response: { 200: Health } } },
      async (_request, reply) => sendJson(reply, 200, JSON.stringify({ status: 'ok' })),
    );
}
