import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  AccountParams,
  ArmedScenario,
  ArmScenarioRequest,
  KlarnaError,
  ResetResult,
  ScenarioList,
  ScenariosQuery,
} from '../../../contracts/index.js';
import type { Awaitable } from '../../core/awaitable.js';
import { catalogue } from '../../core/error-catalogue.js';
import type { Journal } from '../../core/journal/journal.js';
import type { ScenarioEngine } from '../../core/scenarios/scenario-engine.js';
import { ADMIN_TAG, BAD_PARAMETER, type CheckedRoutes, checkedScope } from '../checked-scope.js';
import { sendNoContent } from '../send-json.js';
import { journalRoutes } from './journal-routes.js';

const IdParams = z.object({ id: z.string().min(1) });

/** The runtime admin API under /__mock/: arm, list and disarm scenarios; reset one account. Not a Klarna API. */
export function adminRoutes(app: FastifyInstance, deps: AdminDeps) {
  checkedScope(app, (routes) => scenarioRoutes(routes, deps));
  journalRoutes(app, deps);
}

interface AdminDeps {
  scenarios: ScenarioEngine;
  journal: Journal;
  resetAccount: (account: string) => Awaitable<{ disarmed: number }>;
}

function scenarioRoutes(routes: CheckedRoutes, deps: AdminDeps) {
  routes.post(
    '/__mock/scenarios',
    {
      schema: {
        tags: [ADMIN_TAG],
        operationId: 'armMockScenario',
        description:
          'Give a built-in or fixture scenario by `name`, or a whole `scenario`; it answers the next `times` requests it matches, for one account or for all.',
        summary: 'Arm a scenario for the next matching requests of one account (or of all accounts)',
        body: ArmScenarioRequest,
        response: { 201: ArmedScenario, 400: KlarnaError },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return deps.scenarios.arm(request.body);
    },
  );

  routes.get(
    '/__mock/scenarios',
    {
      schema: {
        tags: [ADMIN_TAG],
        operationId: 'listMockScenarios',
        description:
          'The armed scenarios, optionally of one account, and the names of every scenario that can be armed by name.',
        summary: 'List armed scenarios (optionally of one account) and every scenario available by name',
        querystring: ScenariosQuery,
        response: { 200: ScenarioList, 400: BAD_PARAMETER },
      },
    },
    async (request) => {
      const { account, limit = 1000, offset = 0 } = request.query;
      const all = deps.scenarios.list(account);
      // Oldest first, as armed; the page is the newest `limit` after skipping the newest `offset`.
      const end = Math.max(0, all.length - offset);
      const armed = all.slice(Math.max(0, end - limit), end);
      const truncated = end - armed.length > 0;
      return { armed, total: all.length, truncated, available: deps.scenarios.available() };
    },
  );

  routes.delete(
    '/__mock/scenarios/:id',
    {
      schema: {
        tags: [ADMIN_TAG],
        operationId: 'disarmMockScenario',
        description: 'Removes one armed scenario by the id its arming answered; an unknown id answers 404.',
        summary: 'Disarm one armed scenario',
        params: IdParams,
        response: {
          204: z.null().describe('Disarmed'),
          400: BAD_PARAMETER,
          404: KlarnaError,
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      if (!deps.scenarios.disarm(id)) throw catalogue.resourceNotFound(`scenario ${id}`);
      return sendNoContent(reply);
    },
  );

  routes.post(
    '/__mock/accounts/:account/reset',
    {
      schema: {
        tags: [ADMIN_TAG],
        operationId: 'resetMockAccount',
        description:
          'Forgets what the simulator keeps for one account, as if it had never been seen; other accounts are untouched.',
        summary:
          "Forget one account's idempotency records, tokens, payment requests, journal, clock and armed scenarios",
        params: AccountParams,
        response: { 200: ResetResult, 400: BAD_PARAMETER },
      },
    },
    async (request) => {
      const { account } = request.params;
      const { disarmed } = await deps.resetAccount(account);
      return { account, disarmed };
    },
  );
}
