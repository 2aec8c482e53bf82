import fastifySwagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { docsRoutes } from './routes/docs-routes.js';

/** The OpenAPI document is generated from the same zod schemas the routes use; nothing is written twice. */
export async function registerOpenApi(app: FastifyInstance) {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'klarna-mock: Klarna Payment Authorize API simulator',
        description:
          "A local simulator of Klarna's `POST /v2/accounts/{partner_account_id}/payment/authorize`. " +
          'Where Klarna\'s documentation leaves a behaviour open, see the README section "Where the simulator chooses".',
        version: '0.1.0',
      },
      tags: [
        { name: 'Payment Authorize API', description: 'The Klarna operation, as Klarna documents it' },
        { name: 'Payment Request API', description: 'Read and cancel the payment request a step-up created' },
        { name: 'Simulator admin', description: 'klarna-mock only; not part of the Klarna API' },
      ],
      components: {
        securitySchemes: {
          klarna_api_key: {
            type: 'http',
            scheme: 'basic',
            description: 'Klarna sends the API key right after `Basic`; the simulator also accepts base64(user:key).',
          },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  docsRoutes(app);
}
