import type { FastifyInstance, RouteOptions } from 'fastify';
import { docsRoutes } from './routes/docs-routes.js';

/**
 * The OpenAPI document is generated from the same zod schemas the routes use; nothing is written twice. It is built
 * on the first GET /openapi.json, not at start: the routes are noted as they are declared, then declared again on a
 * Fastify instance of their own that carries @fastify/swagger (and its YAML and JSON Schema tooling, loaded only
 * then). Must be called before the routes it documents are declared.
 */
export function registerOpenApi(app: FastifyInstance) {
  const routes: RouteOptions[] = [];
  app.addHook('onRoute', (route) => {
    // Fastify adds a HEAD route for each GET by itself, on the documenting instance too.
    if (route.method !== 'HEAD') routes.push(route);
  });
  let document: Promise<unknown> | undefined;
  app.get('/openapi.json', { schema: { hide: true } }, () => {
    document ??= openApiDocument(routes).catch((error: unknown) => {
      document = undefined;
      throw error;
    });
    return document;
  });
  docsRoutes(app);
}

async function openApiDocument(routes: RouteOptions[]): Promise<unknown> {
  const [{ default: Fastify }, { default: fastifySwagger }, { jsonSchemaTransform }] = await Promise.all([
    import('fastify'),
    import('@fastify/swagger'),
    import('fastify-type-provider-zod'),
  ]);
  // Its routes are never called: their schemas are zod objects for the document only, compiled by nothing.
  const documenting = Fastify({
    schemaController: { compilersFactory: { buildValidator: NO_COMPILER, buildSerializer: NO_COMPILER } },
    routerOptions: { maxParamLength: 1024 },
  });
  await documenting.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'klarna-mock: Klarna Payment Authorize API simulator',
        description:
          "A local simulator of Klarna's `POST /v2/accounts/{partner_account_id}/payment/authorize`, the payment " +
          'requests around it, the payment transactions it makes (read), and its own admin API. ' +
          "Where Klarna's documentation leaves a behaviour open, see docs/simulator-choices.md in the klarna-mock repository.",
        version: '0.1.0',
      },
      tags: [
        { name: 'Payment Authorize API', description: 'The Klarna operation, as Klarna documents it' },
        { name: 'Payment Request API', description: 'Create, read, update and cancel payment requests' },
        { name: 'Payment Transaction API', description: 'Read the payment transaction an approval made' },
        { name: 'Notification API', description: "Klarna's webhook management: webhooks and signing keys" },
        { name: 'Simulator admin', description: 'klarna-mock only; not part of the Klarna API' },
      ],
      components: {
        securitySchemes: {
          klarna_api_key: {
            type: 'http',
            scheme: 'basic',
            description:
              'Klarna sends the API key right after `Basic`; the simulator also accepts base64(user:key). In the ' +
              'Authorize dialog here, put the key in Password (any Username).',
          },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  for (const route of routes) {
    documenting.route({ method: route.method, url: route.url, schema: route.schema, handler: async () => null });
  }
  await documenting.ready();
  const document = documenting.swagger();
  await documenting.close();
  return document;
}

const NO_COMPILER = (() => () => () => true) as never;
