import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { KlarnaError } from '../../contracts/index.js';

/** The OpenAPI tag of the simulator's own /__mock operations. */
export const ADMIN_TAG = 'Simulator admin';
/** The documented 400 of a checked route whose query or path parameters break their schema. */
export const BAD_PARAMETER = KlarnaError.describe('VALIDATION_ERROR: a bad query or path parameter');
/** The documented 503 of an admin route that reads or forgets state kept in a shared store (`--store`). */
export const STORE_UNAVAILABLE = KlarnaError.describe(
  'TECHNICAL_ERROR: TEMPORARY_UNAVAILABLE (the shared store cannot be reached; retry after Retry-After)',
);

const typed = (app: FastifyInstance) => app.withTypeProvider<ZodTypeProvider>();
/** A scope whose routes are typed by their zod schemas. */
export type CheckedRoutes = ReturnType<typeof typed>;

/**
 * Registers routes in an encapsulated scope where Fastify checks each request part (params, body, querystring,
 * headers) and each response against the route's zod schemas, with fastify-type-provider-zod's compilers: handlers
 * get parsed input and return plain values. What the compilers throw becomes a Klarna error body in the one error
 * handler (validation-errors.ts). Outside such scopes the schemas are only read for the OpenAPI document
 * (plain-schema-controller.ts).
 */
export function checkedScope(app: FastifyInstance, routes: (scope: CheckedRoutes) => void): void {
  const plugin: FastifyPluginAsync = async (scope) => {
    scope.setValidatorCompiler(validatorCompiler);
    scope.setSerializerCompiler(serializerCompiler);
    // An admin POST may come without a body (or with an empty JSON one): it means no fields, as `{}` does.
    scope.addHook('preValidation', (request, _reply, done) => {
      if (request.body == null && request.routeOptions.schema?.body !== undefined) request.body = {};
      done();
    });
    routes(typed(scope));
  };
  app.register(plugin);
}
