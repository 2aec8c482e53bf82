import { isDeepStrictEqual } from 'node:util';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { z } from 'zod';
import { COMPONENT_NAMES } from '../../../contracts/component-names.js';
import { KlarnaError } from '../../../contracts/index.js';
import { docsRoutes } from './docs-routes.js';

/** Where the simulator listens by default; a generated client points elsewhere by the server variables. */
const SERVERS = [
  {
    url: 'http://{host}:{port}',
    // Variables carry no description: @apidevtools/swagger-parser's OpenAPI 3.1 schema rejects one there.
    description: 'A running klarna-mock: host and port as given by `--host` and `--port` (default localhost:4747)',
    variables: { host: { default: 'localhost' }, port: { default: '4747' } },
  },
];

/**
 * Admin routes need `Authorization: Bearer <token>` only when the simulator was started with an admin token, so the
 * scheme is optional: `{}` says "no credentials" is also accepted.
 */
const ADMIN_SECURITY: Record<string, string[]>[] = [{}, { mock_admin_token: [] }];
const ADMIN_UNAUTHORIZED = KlarnaError.describe(
  'ACCESS_ERROR: UNAUTHORIZED (the simulator has an admin token and the request did not carry it)',
);

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
  const [{ default: Fastify }, { default: fastifySwagger }, { jsonSchemaTransform, jsonSchemaTransformObject }] =
    await Promise.all([import('fastify'), import('@fastify/swagger'), import('fastify-type-provider-zod')]);
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
        license: { name: 'MIT', identifier: 'MIT' },
        contact: { name: 'klarna-mock contributors', url: 'https://github.com/klarna-mock/klarna-mock' },
      },
      servers: SERVERS,
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
          mock_admin_token: {
            type: 'http',
            scheme: 'bearer',
            description:
              'Only when klarna-mock was started with an admin token (`--admin-token`, `KLARNA_MOCK_ADMIN_TOKEN`): every ' +
              '/__mock route then needs `Authorization: Bearer <token>`.',
          },
        },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  for (const route of routes) {
    const schema = route.url.startsWith('/__mock/') ? adminSchema(route.schema) : route.schema;
    documenting.route({ method: route.method, url: route.url, schema, handler: async () => null });
  }
  await documenting.ready();
  const document = withComponentNames(() => documenting.swagger()) as OpenApiDocument;
  await documenting.close();
  withBodyExamples(document, routes);
  return namedBodies(document);
}

/** The examples of a schema, or of the schema inside one built on first use (contracts/lazily.ts). */
function examplesOf(schema: z.ZodType): unknown {
  const examples = z.globalRegistry.get(schema)?.examples;
  return examples === undefined && schema instanceof z.ZodLazy ? examplesOf(schema.unwrap() as z.ZodType) : examples;
}

/**
 * A body schema's example (`.meta({ examples })`) goes beside its $ref, on the media type, where /docs' Try it out
 * and code generators read it; the generator drops it once the body is a named component.
 */
function withBodyExamples(document: OpenApiDocument, routes: RouteOptions[]) {
  for (const route of routes) {
    const body = route.schema?.body;
    const examples: unknown = body instanceof z.ZodType ? examplesOf(body) : undefined;
    const example: unknown = Array.isArray(examples) ? examples[0] : undefined;
    if (example === undefined) continue;
    const path = route.url.replace(/:(\w+)/g, '{$1}');
    for (const method of [route.method].flat()) {
      const operation = document.paths[path]?.[method.toLowerCase()] as { requestBody?: Content } | undefined;
      const media = operation?.requestBody?.content?.['application/json'];
      if (media !== undefined) media.example ??= example;
    }
  }
}

/** Every admin route declares the optional admin scheme and the 401 its hook answers when a token is set. */
function adminSchema(schema: RouteOptions['schema']): RouteOptions['schema'] {
  if (schema === undefined || schema.hide === true) return schema;
  const response = (schema.response ?? {}) as Record<string, unknown>;
  return { security: ADMIN_SECURITY, ...schema, response: { ...response, 401: response[401] ?? ADMIN_UNAUTHORIZED } };
}

/**
 * The names are given to zod's global registry only while the document is generated (synchronously), so no other
 * JSON Schema the process makes (the benchmark's, a test's) grows $refs because of them.
 */
function withComponentNames<T>(generate: () => T): T {
  const before = COMPONENT_NAMES.map(([, schema]) => z.globalRegistry.get(schema));
  COMPONENT_NAMES.forEach(([id, schema], i) => {
    z.globalRegistry.remove(schema).add(schema, { ...before[i], id });
  });
  try {
    return generate();
  } finally {
    COMPONENT_NAMES.forEach(([, schema], i) => {
      const meta = before[i];
      z.globalRegistry.remove(schema);
      if (meta !== undefined) z.globalRegistry.add(schema, meta);
    });
  }
}

interface OpenApiDocument {
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, unknown> };
}

/**
 * A route that gives a named body a response description (`KlarnaError.describe(...)`) or an example passes a copy
 * of the schema, which the generator writes inline: such a body is pointed at its component when it is the same
 * schema but for those annotations. Then the components no operation reaches are dropped (the generator writes an
 * input and an output form of each), and an input form keeps the plain name when no output form is left beside it.
 */
function namedBodies(document: OpenApiDocument): OpenApiDocument {
  const schemas = document.components.schemas;
  const bare = (schema: unknown) => {
    if (typeof schema !== 'object' || schema === null) return schema;
    const { description: _d, examples: _e, ...rest } = schema as Record<string, unknown>;
    return rest;
  };
  const named = Object.entries(schemas).map(([id, schema]) => [id, bare(schema)] as const);
  for (const media of mediaTypes(document)) {
    if (typeof media.schema !== 'object' || media.schema === null || '$ref' in media.schema) continue;
    const inline = bare(media.schema);
    const match = named.find(([, schema]) => isDeepStrictEqual(schema, inline));
    if (match !== undefined) media.schema = { $ref: `#/components/schemas/${match[0]}` };
  }
  const used = new Set<string>();
  const visit = (value: unknown) => {
    JSON.stringify(value, (key, inner: unknown) => {
      const id = key === '$ref' && typeof inner === 'string' ? inner.replace('#/components/schemas/', '') : undefined;
      if (id !== undefined && !used.has(id)) {
        used.add(id);
        visit(schemas[id]);
      }
      return inner;
    });
  };
  visit(document.paths);
  const renames = new Map<string, string>();
  for (const id of Object.keys(schemas)) {
    if (!used.has(id)) delete schemas[id];
    else if (id.endsWith('Input') && !used.has(id.slice(0, -'Input'.length))) renames.set(id, id.slice(0, -5));
  }
  if (renames.size === 0) return document;
  return JSON.parse(JSON.stringify(document), (key, value: unknown) => {
    if (key === '$ref' && typeof value === 'string') {
      const id = value.replace('#/components/schemas/', '');
      return `#/components/schemas/${renames.get(id) ?? id}`;
    }
    if (key === 'schemas' && typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return Object.fromEntries(Object.entries(value).map(([id, schema]) => [renames.get(id) ?? id, schema]));
    }
    return value;
  });
}

type Content = { content?: Record<string, { schema?: unknown; example?: unknown }> };

/** Every request and response media type object of the document's operations. */
function mediaTypes(document: OpenApiDocument): Array<{ schema?: unknown }> {
  const operations = Object.values(document.paths).flatMap((methods) => Object.values(methods)) as Array<{
    requestBody?: Content;
    responses?: Record<string, Content>;
  }>;
  return operations.flatMap((operation) =>
    [operation.requestBody, ...Object.values(operation.responses ?? {})].flatMap((part) =>
      Object.values(part?.content ?? {}),
    ),
  );
}

const NO_COMPILER = (() => () => () => true) as never;
