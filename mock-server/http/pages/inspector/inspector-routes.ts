import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  AccountId,
  CertificationReport,
  CertificationState,
  JournalAccounts,
  KlarnaError,
  OptionalAccountQuery,
} from '../../../../contracts/index.js';
import { catalogue } from '../../../core/error-catalogue.js';
import type { JournalStore } from '../../../core/journal/journal-store.js';
import { ADMIN_TAG, type CheckedRoutes, checkedScope, STORE_UNAVAILABLE } from '../../checked-scope.js';
import { sendNoContent } from '../../send-json.js';
import { EventStreams } from './event-streams.js';
import { INSPECTOR_HEADERS, inspectorPage } from './inspector-page.js';

/** Inspector pages live at once: each holds one stream (and one connection). */
export const MAX_EVENT_STREAMS = 8;
const HEARTBEAT_MS = 15_000;
/** The picker lists at most this many accounts (the journal keeps 1000 by default). */
const MAX_ACCOUNTS = 1000;
/** `token` is read by the admin token hook (admin-token.ts), the page's own script, and nothing here. */
/** A certification report of 100 cases is about 40 KB: the one kept is at most this. */
export const MAX_CERTIFICATION_BYTES = 256 * 1024;
const PageQuery = z.object({ account: AccountId.optional(), token: z.string().optional() });

/**
 * The request inspector at /__mock/ui: a page that shows one account's journal live, one exchange in detail, the
 * account's webhook deliveries, its client report and the latest certification report. Behind the admin token like
 * every /__mock route.
 */
export function inspectorRoutes(app: FastifyInstance, deps: { journal: JournalStore }) {
  const streams = new EventStreams(deps.journal, { maxStreams: MAX_EVENT_STREAMS, heartbeatMs: HEARTBEAT_MS });
  // One report, the latest certify handed in: bounded by the route's byte cap, gone when the simulator stops.
  const certification: { report: CertificationReport | null } = { report: null };
  // An open stream would keep its connection, and so close(), waiting forever.
  app.addHook('preClose', async () => streams.closeAll());
  checkedScope(app, (routes) => inspectorRoutesIn(routes, deps, streams, certification));
}

function inspectorRoutesIn(
  routes: CheckedRoutes,
  deps: { journal: JournalStore },
  streams: EventStreams,
  certification: { report: CertificationReport | null },
) {
  routes.get('/__mock/ui', { schema: { hide: true, querystring: PageQuery } }, async (request, reply) => {
    const { account } = request.query;
    return reply
      .code(200)
      .headers(INSPECTOR_HEADERS)
      .type('text/html; charset=utf-8')
      .send(inspectorPage(account ?? ''));
  });

  routes.get(
    '/__mock/ui/accounts',
    {
      schema: {
        tags: [ADMIN_TAG],
        operationId: 'listMockJournalAccounts',
        description: 'The accounts the request inspector can show, read from the request journal.',
        summary: 'The accounts the request journal keeps requests of, the most recently seen first',
        response: { 200: JournalAccounts, 503: STORE_UNAVAILABLE },
      },
    },
    async () => ({ accounts: await deps.journal.accounts(MAX_ACCOUNTS) }),
  );

  routes.get(
    '/__mock/ui/events',
    {
      // A HEAD would hold a stream open with nothing to read.
      exposeHeadRoute: false,
      schema: {
        tags: [ADMIN_TAG],
        operationId: 'streamMockJournalEvents',
        description:
          'A text/event-stream, read by the request inspector; past the limit of open streams it answers 503.',
        summary:
          'Server-sent events: `request` (seq, id, account) per new journal record of the account (or of every ' +
          'account); read the entries with GET /__mock/requests',
        querystring: OptionalAccountQuery,
        response: {
          200: {
            description: 'One `request` event per new journal record, until the client closes the stream',
            content: { 'text/event-stream': { schema: z.string() } },
          },
          400: KlarnaError,
          503: KlarnaError.describe('Too many streams open: retry after Retry-After'),
        },
      },
    },
    async (request, reply) => {
      const { account } = request.query;
      if (streams.full) throw catalogue.inspectorStreamsFull(MAX_EVENT_STREAMS);
      reply.hijack();
      streams.open(reply.raw, account, { 'klarna-correlation-id': request.id });
    },
  );

  routes.put(
    '/__mock/certification',
    {
      // Fastify refuses a longer announced length before reading a byte; the 413 names this limit.
      bodyLimit: MAX_CERTIFICATION_BYTES,
      schema: {
        tags: [ADMIN_TAG],
        operationId: 'putMockCertification',
        description:
          'certify hands in its report after a run; the inspector shows the latest one. At most ' +
          `${MAX_CERTIFICATION_BYTES} bytes; kept in memory until the simulator stops.`,
        summary: "Hand in a certification report (certify does, after its run): the inspector's latest report",
        body: CertificationReport,
        response: { 204: z.null(), 400: KlarnaError, 413: KlarnaError },
      },
    },
    async (request, reply) => {
      certification.report = request.body;
      streams.broadcast('certification', { passed: request.body.passed });
      return sendNoContent(reply);
    },
  );

  routes.get(
    '/__mock/certification',
    {
      schema: {
        tags: [ADMIN_TAG],
        operationId: 'getMockCertification',
        description: 'The report the inspector shows: the latest certify handed in, or null before any.',
        summary: 'The latest certification report handed in (null before any), as the inspector shows it',
        response: { 200: CertificationState },
      },
    },
    async () => ({ report: certification.report }),
  );
}
