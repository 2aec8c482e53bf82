import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { KlarnaError } from '../../contracts/index.js';
import type { AccountClock } from '../account-clock.js';
import { serializeChecked } from '../check-response.js';
import { parseInput } from './parse-input.js';
import { sendJson } from './send-json.js';

const ClockMove = z
  .strictObject({
    account: z.string().min(1),
    advance_ms: z.int().min(0).optional().describe('Move the account clock forward by this much'),
    set: z.iso.datetime({ offset: true }).optional().describe('Set the account clock to this instant'),
  })
  .refine((m) => (m.advance_ms === undefined) !== (m.set === undefined), 'give either advance_ms or set');
const ClockQuery = z.object({ account: z.string().min(1) });
const ClockState = z.object({ account: z.string(), now: z.string() });

/** The test clock of one account: every expiry and webhook retry of that account follows it. */
export function clockRoutes(app: FastifyInstance, deps: { clock: AccountClock; moved: (account: string) => void }) {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const state = (account: string) => ({ account, now: new Date(deps.clock.now(account)).toISOString() });

  routes.get(
    '/__mock/clock',
    {
      schema: {
        tags: ['Simulator admin'],
        summary: "An account's clock",
        querystring: ClockQuery,
        response: { 200: ClockState },
      },
    },
    async (request, reply) => {
      const { account } = parseInput(ClockQuery, request.query);
      return sendJson(reply, 200, serializeChecked(ClockState, state(account)));
    },
  );

  routes.post(
    '/__mock/clock',
    {
      schema: {
        tags: ['Simulator admin'],
        summary: "Advance or set an account's clock; due expiries and webhook retries run at once",
        body: ClockMove,
        response: { 200: ClockState, 400: KlarnaError },
      },
    },
    async (request, reply) => {
      const { account, advance_ms, set } = parseInput(ClockMove, request.body ?? {});
      if (advance_ms !== undefined) deps.clock.advance(account, advance_ms);
      if (set !== undefined) deps.clock.set(account, Date.parse(set));
      deps.moved(account);
      return sendJson(reply, 200, serializeChecked(ClockState, state(account)));
    },
  );
}
