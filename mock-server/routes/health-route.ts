import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { Health } from '../../contracts/index.js';
import { sendJson } from './send-json.js';

export function healthRoute(app: FastifyInstance) {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/__mock/health',
    {
      schema: {
        operationId: 'getMockHealth',
        description: 'Answers 200 once the simulator serves requests: a readiness probe for CI and containers.',
        tags: ['Simulator admin'],
        summary: 'Liveness of the simulator',
        response: { 200: Health },
      },
    },
    async (_request, reply) => sendJson(reply, 200, JSON.stringify({ status: 'ok' })),
  );
}
