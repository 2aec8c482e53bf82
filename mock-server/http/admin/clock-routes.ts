import type { FastifyInstance } from 'fastify';
import { AccountQuery, ClockMove, ClockState, KlarnaError, MAX_CLOCK_MS } from '../../../contracts/index.js';
import type { AccountClock } from '../../core/account-clock.js';
import { catalogue } from '../../core/error-catalogue.js';
import { isoTime } from '../../core/iso-time.js';
import { ADMIN_TAG, BAD_PARAMETER, type CheckedRoutes, checkedScope } from '../checked-scope.js';

/** The test clock of one account: every expiry and webhook retry of that account follows it. */
export function clockRoutes(app: FastifyInstance, deps: ClockDeps) {
  checkedScope(app, (routes) => clockRoutesIn(routes, deps));
}

interface ClockDeps {
  clock: AccountClock;
  /** Announces what the move changed (expiries) before the answer. */
  moved: (account: string) => Promise<void>;
}

function clockRoutesIn(routes: CheckedRoutes, deps: ClockDeps) {
  const state = (account: string) => ({ account, now: isoTime(deps.clock.now(account)) });

  routes.get(
    '/__mock/clock',
    {
      schema: {
        tags: [ADMIN_TAG],
        operationId: 'getMockClock',
        description: "The account's simulated time, by which its expiries and webhook retries are decided.",
        summary: "An account's clock",
        querystring: AccountQuery,
        response: { 200: ClockState, 400: BAD_PARAMETER },
      },
    },
    async (request) => {
      await deps.clock.refresh(request.query.account);
      return state(request.query.account);
    },
  );

  routes.post(
    '/__mock/clock',
    {
      schema: {
        tags: [ADMIN_TAG],
        operationId: 'moveMockClock',
        description:
          'Give either `advance_ms` or `set`; expiries and webhook retries that fall due by the new time run before the answer.',
        summary: "Advance or set an account's clock; due expiries and webhook retries run at once",
        body: ClockMove,
        response: { 200: ClockState, 400: KlarnaError },
      },
    },
    async (request) => {
      const { account, advance_ms, set } = request.body;
      // Over a shared store another instance may have moved it: advance from where it is now.
      await deps.clock.refresh(account);
      const target = set !== undefined ? Date.parse(set) : deps.clock.now(account) + (advance_ms ?? 0);
      // Refused before anything moves: past this, dates would leave ISO 8601's four-digit years.
      if (target > MAX_CLOCK_MS || target < 0) {
        throw catalogue.validation([
          { parameter: set !== undefined ? 'set' : 'advance_ms', reason: `the clock must stay between 1970 and 9900` },
        ]);
      }
      await deps.clock.set(account, target);
      await deps.moved(account);
      return state(account);
    },
  );
}
