import type { FastifyInstance } from 'fastify';
import { ClientReport, OptionalAccountQuery, RequestList, RequestsQuery } from '../../../contracts/index.js';
import type { JournalStore } from '../../core/journal/journal-store.js';
import { ADMIN_TAG, BAD_PARAMETER, type CheckedRoutes, checkedScope, STORE_UNAVAILABLE } from '../checked-scope.js';

/**
 * The journal and the client report (/__mock/requests, /__mock/report): served by the simulator and by the
 * validating proxy alike, so a client is judged the same way on simulated and on real traffic.
 */
export function journalRoutes(app: FastifyInstance, deps: { journal: JournalStore }) {
  checkedScope(app, (routes) => journalRoutesIn(routes, deps));
}

function journalRoutesIn(routes: CheckedRoutes, deps: { journal: JournalStore }) {
  routes.get(
    '/__mock/requests',
    {
      schema: {
        tags: [ADMIN_TAG],
        operationId: 'listMockRequests',
        description:
          "The bounded journal of requests to Klarna's operations, secrets redacted, each with its outcome and findings.",
        summary:
          'The request journal: Klarna operation requests with redacted headers, outcome and findings, oldest first',
        querystring: RequestsQuery,
        response: { 200: RequestList, 400: BAD_PARAMETER, 503: STORE_UNAVAILABLE },
      },
    },
    async (request) => {
      const { account, limit, offset } = request.query;
      const page = await deps.journal.page(account, { limit: limit ?? 1000, offset: offset ?? 0 });
      return { requests: page.entries, total: page.total, truncated: page.truncated };
    },
  );

  routes.get(
    '/__mock/report',
    {
      schema: {
        tags: [ADMIN_TAG],
        operationId: 'getMockClientReport',
        description:
          "The contract findings of a client's requests, summed up by kind: what `klarna-mock-client-check` reports.",
        summary: "Client verification: the contract errors and warnings of a client's requests, by kind",
        querystring: OptionalAccountQuery,
        response: { 200: ClientReport, 400: BAD_PARAMETER, 503: STORE_UNAVAILABLE },
      },
    },
    async (request) => deps.journal.report(request.query.account),
  );
}
