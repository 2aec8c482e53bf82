import type { FastifyInstance } from 'fastify';
import { authenticate } from '../../core/authenticate.js';
import type { MockConfig } from '../../core/config.js';
import { type OperationScenarioDeps, operationScenario, transactionOperation } from '../routes/operation-scenario.js';
import { accountOf } from './exchange-hooks.js';

/**
 * Mock-Scenario's errors, faults and delays on the operations beside authorize (authorize chooses its own); the
 * payment transaction writes also look for scenarios armed for them and for magic amounts.
 */
export function operationScenarios(app: FastifyInstance, config: MockConfig, deps: OperationScenarioDeps) {
  app.addHook('preHandler', (request, reply, done) => {
    if (request.exchange?.operation !== 'other') return done();
    if (request.headers['mock-scenario'] === undefined && transactionOperation(request) === undefined) return done();
    // As on authorize, a scenario answers only a request with valid credentials: the route answers the others (401,
    // 403, 404), and an armed scenario is not used up by them.
    const account = accountOf(request, config);
    if (authenticate(request.headers.authorization, account, config) !== undefined) return done();
    operationScenario(request, reply, account, deps).then(() => done(), done);
  });
}
