import type { FastifyInstance } from 'fastify';
import {
  ClientReport,
  KlarnaError,
  OptionalAccountQuery,
  RequestList,
  RequestsQuery,
} from '../../../contracts/index.js';
import type { Journal } from '../../core/journal/journal.js';
import { type CheckedRoutes, checkedScope } from '../checked-scope.js';

const TAG = 'Simulator admin';

/**
 * The journal and the client report (/__mock/requests, /__mock/report): served by the simulator and by the
 * validating proxy alike, so a client is judged the same way on simulated and on real traffic.
 */
export function journalRoutes(app: FastifyInstance, deps: { journal: Journal }) {
  checkedScope(app, (routes) => journalRoutesIn(routes, deps));
}

function journalRoutesIn(routes: CheckedRoutes, deps: { journal: Journal }) {
  routes.get(
    '/__mock/requests',
    {
      schema: {
        tags: [TAG],
        operationId: 'listMockRequests',
        description:
          'The bounded request journal of authorize requests, secrets redacted, each with its outcome and contract findings.',
        summary: 'The request journal: authorize requests with redacted headers, outcome and findings, oldest first',
        querystring: RequestsQuery,
        response: { 200: RequestList, 400: KlarnaError.describe('VALIDATION_ERROR: a bad query or path parameter') },
      },
    },
    async (request) => {
      const { account, limit, offset } = request.query;
      const page = deps.journal.page(account, { limit: limit ?? 1000, offset: offset ?? 0 });
      return { requests: page.entries, total: page.total, truncated: page.truncated };
    },
  );

  routes.get(
    '/__mock/report',
    {
      schema: {
        tags: [TAG],
        operationId: 'getMockClientReport',
        description:
          "The contract findings of a client's requests, summed up by kind: what `klarna-mock-client-check` reports.",
        summary: "Client verification: the contract errors and warnings of a client's requests, by kind",
        querystring: OptionalAccountQuery,
        response: { 200: ClientReport, 400: KlarnaError.describe('VALIDATION_ERROR: a bad query or path parameter') },
      },
    },
    async (request) => deps.journal.report(request.query.account),
  );
}
