import type { FastifyInstance } from 'fastify';
import { Health } from '../../../contracts/index.js';
import { ADMIN_TAG, checkedScope } from '../checked-scope.js';

export function healthRoute(app: FastifyInstance) {
  checkedScope(app, (routes) =>
    routes.get(
      '/__mock/health',
      {
        schema: {
          operationId: 'getMockHealth',
          description: 'Answers 200 once the simulator serves requests: a readiness probe for CI and containers.',
          tags: [ADMIN_TAG],
          summary: 'Liveness of the simulator',
          response: { 200: Health },
        },
      },
      async () => ({ status: 'ok' as const, pid: process.pid }),
    ),
  );
}
