import { isDeepStrictEqual as isDeepEqual } from 'node:util';
import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPI } from 'openapi-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { MockApp } from '../mock-server/app/build-app.js';
import { testApp } from './support/test-app.js';

const AUTHORIZE_PATH = '/v2/accounts/{partner_account_id}/payment/authorize';
const KLARNA_TAG = 'Payment Authorize API';
const ADMIN_TAG = 'Simulator admin';

// Only what these tests read; the parser has already checked the rest against the OpenAPI 3.1 schema.
const JsonContent = z.object({
  content: z.object({
    'application/json': z.object({ schema: z.object({ properties: z.record(z.string(), z.unknown()) }) }),
  }),
});
const Operation = z.object({
  operationId: z.string().optional(),
  tags: z.array(z.string()),
  parameters: z.array(z.object({ in: z.string(), name: z.string(), required: z.boolean().optional() })).default([]),
  requestBody: z.unknown().optional(),
  responses: z.record(z.string(), z.unknown()),
});
const Document = z.object({
  openapi: z.string(),
  tags: z.array(z.object({ name: z.string() })),
  paths: z.record(z.string(), z.record(z.string(), z.unknown())),
});

/** The top-level properties of a request body's or response's JSON schema. */
const propertiesOf = (bodyOrResponse: unknown) =>
  Object.keys(JsonContent.parse(bodyOrResponse).content['application/json'].schema.properties);

let app: MockApp;
let document: z.infer<typeof Document>;
// As served, before the parser resolves its $refs.
let served: z.infer<typeof ServedDocument>;

const MediaTypes = z.record(z.string(), z.object({ schema: z.record(z.string(), z.unknown()) }));
const ServedOperation = z.object({
  operationId: z.string(),
  description: z.string().min(1),
  security: z.array(z.record(z.string(), z.array(z.string()))).optional(),
  requestBody: z.object({ content: MediaTypes }).optional(),
  responses: z.record(z.string(), z.object({ content: MediaTypes.optional() })),
});
const ServedDocument = z.object({
  servers: z.array(z.object({ url: z.string(), variables: z.record(z.string(), z.object({ default: z.string() })) })),
  paths: z.record(z.string(), z.record(z.string(), z.unknown())),
  components: z.object({
    schemas: z.record(z.string(), z.unknown()),
    securitySchemes: z.record(z.string(), z.object({ type: z.string(), scheme: z.string() })),
  }),
});

beforeAll(async () => {
  ({ app } = await testApp());
  const response = await app.inject({ method: 'GET', url: '/openapi.json' });
  expect(response.statusCode).toBe(200);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  served = ServedDocument.parse(response.json());
  // The parser resolves $refs in place, so it gets a copy; what it returns is the dereferenced document.
  document = Document.parse(await SwaggerParser.validate(structuredClone(response.json()) as OpenAPI.Document));
});

afterAll(() => app.close());

function operation(path: string, method: string) {
  return Operation.parse(document.paths[path]?.[method]);
}

describe('the OpenAPI document at /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', () => {
    expect(document.openapi).toBe('3.1.0');
  });

  it('lists the Klarna operation under the Klarna tag, with its operationId', () => {
    const authorize = operation(AUTHORIZE_PATH, 'post');
    expect(authorize.operationId).toBe('authorizePayment');
    expect(authorize.tags).toEqual([KLARNA_TAG]);
  });

  it('lists the Klarna Direct form of authorize, with no account in its path', () => {
    const direct = operation('/v2/payment/authorize', 'post');
    expect(direct.operationId).toBe('authorizePaymentDirect');
    expect(direct.tags).toEqual([KLARNA_TAG]);
    expect(direct.parameters.filter((p) => p.in === 'path')).toEqual([]);
  });

  it('describes the authorize request body', () => {
    const body = operation(AUTHORIZE_PATH, 'post').requestBody;
    expect(propertiesOf(body)).toEqual(expect.arrayContaining(['currency', 'request_payment_transaction']));
  });

  it('describes the 200 answer with its three parts', () => {
    const ok = operation(AUTHORIZE_PATH, 'post').responses['200'];
    expect(propertiesOf(ok)).toEqual(
      expect.arrayContaining(['payment_transaction_response', 'payment_request', 'customer_token_response']),
    );
  });

  it.each(['400', '401', '403', '404', '409', '413', '500'])(
    'describes the %s answer as a Klarna error body',
    (status) => {
      const error = operation(AUTHORIZE_PATH, 'post').responses[status];
      expect(propertiesOf(error)).toEqual(expect.arrayContaining(['error_id', 'error_type', 'error_code']));
    },
  );

  it('describes every documented answer other than 200 as a Klarna error body', () => {
    const { responses } = operation(AUTHORIZE_PATH, 'post');
    const errors = Object.entries(responses).filter(([status]) => status !== '200');
    expect(errors.filter(([, response]) => !propertiesOf(response).includes('error_code'))).toEqual([]);
  });

  it('declares the partner account path parameter and the Klarna headers', () => {
    const { parameters } = operation(AUTHORIZE_PATH, 'post');
    expect(parameters).toContainEqual({ in: 'path', name: 'partner_account_id', required: true });
    for (const header of ['klarna-network-session-token', 'klarna-idempotency-key', 'mock-scenario']) {
      expect(parameters).toContainEqual(expect.objectContaining({ in: 'header', name: header }));
    }
    // The key is the security scheme's: OpenAPI ignores an Authorization header parameter.
    expect(parameters.map((p) => p.name)).not.toContain('authorization');
  });

  it("offers an example body that the simulator approves as it is (/docs' Try it out)", async () => {
    const { requestBody } = operation(AUTHORIZE_PATH, 'post');
    const example = z
      .object({ content: z.object({ 'application/json': z.object({ example: z.record(z.string(), z.unknown()) }) }) })
      .parse(requestBody).content['application/json'].example;
    const answer = await app.inject({
      method: 'POST',
      url: '/v2/accounts/krn%3Apartner%3Aglobal%3Aaccount%3Atest%3AM48JWZF8/payment/authorize',
      headers: { authorization: 'Basic k' },
      payload: example,
    });
    expect(answer.statusCode).toBe(200);
    expect(answer.json().payment_transaction_response.result).toBe('APPROVED');
  });

  it('tags the health check as a simulator admin route, apart from the Klarna API', () => {
    expect(document.tags.map((tag) => tag.name)).toEqual(expect.arrayContaining([KLARNA_TAG, ADMIN_TAG]));
    expect(operation('/__mock/health', 'get').tags).toEqual([ADMIN_TAG]);
  });

  it('keeps simulator and Klarna tags apart: every /__mock route is admin only, every other route a Klarna API', () => {
    const tagsByRoute = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => [`${method.toUpperCase()} ${path}`, operation(path, method).tags] as const),
    );
    const klarnaTags = (document.tags ?? []).map((tag) => tag.name).filter((name) => name !== ADMIN_TAG);
    expect(tagsByRoute.length).toBeGreaterThan(0);
    for (const [route, tags] of tagsByRoute) {
      if (route.includes(' /__mock/')) expect({ route, tags }).toEqual({ route, tags: [ADMIN_TAG] });
      else
        expect({ route, tags: tags?.length === 1 && klarnaTags.includes(tags[0] ?? '') }).toEqual({
          route,
          tags: true,
        });
    }
    expect(klarnaTags).toContain('Payment Transaction API');
  });

  it.each([
    ['/v2/notification/webhooks', 'post', 'createWebhook'],
    ['/v2/notification/webhooks', 'get', 'listWebhooks'],
    ['/v2/notification/webhooks/{webhook_id}', 'get', 'getWebhook'],
    ['/v2/notification/webhooks/{webhook_id}', 'patch', 'updateWebhook'],
    ['/v2/notification/webhooks/{webhook_id}', 'delete', 'deleteWebhook'],
    ['/v2/notification/webhooks/{webhook_id}/simulate', 'post', 'simulateWebhook'],
    ['/v2/notification/signing-keys', 'post', 'createSigningKey'],
    ['/v2/notification/signing-keys', 'get', 'listSigningKeys'],
    ['/v2/notification/signing-keys/{signing_key_id}', 'get', 'getSigningKey'],
    ['/v2/notification/signing-keys/{signing_key_id}', 'delete', 'deleteSigningKey'],
  ])('lists %s %s of the Notification API as Klarna names it, %s', (path, method, operationId) => {
    const documented = operation(path, method);
    expect(documented.operationId).toBe(operationId);
    expect(documented.tags).toEqual(['Notification API']);
  });

  it('lists the payment request operations on the account path and in their Klarna Direct form', () => {
    const ids = (prefix: string) => ({
      create: operation(`${prefix}/payment/requests`, 'post').operationId,
      read: operation(`${prefix}/payment/requests/{payment_request_id}`, 'get').operationId,
      update: operation(`${prefix}/payment/requests/{payment_request_id}`, 'patch').operationId,
      cancel: operation(`${prefix}/payment/requests/{payment_request_id}`, 'delete').operationId,
    });
    expect(ids('/v2/accounts/{partner_account_id}')).toEqual({
      create: 'createPaymentRequest',
      read: 'readPaymentRequest',
      update: 'updatePaymentRequest',
      cancel: 'cancelPaymentRequest',
    });
    expect(ids('/v2')).toEqual({
      create: 'createPaymentRequestDirect',
      read: 'readPaymentRequestDirect',
      update: 'updatePaymentRequestDirect',
      cancel: 'cancelPaymentRequestDirect',
    });
  });

  it('leaves its own routes out: neither /openapi.json nor the /docs pages are documented', () => {
    expect(Object.keys(document.paths).filter((path) => /^\/(openapi|docs)/.test(path))).toEqual([]);
  });
});

describe('the OpenAPI document, for code generators', () => {
  const operations = () =>
    Object.entries(served.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, body]) => ({ route: `${method} ${path}`, ...ServedOperation.parse(body) })),
    );

  it('gives every operation its own operationId and a description', () => {
    const ids = operations().map((operation) => operation.operationId);
    expect(ids.length).toBeGreaterThan(40);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('names the server a generated client calls, localhost:4747 unless told otherwise', () => {
    expect(served.servers).toEqual([
      expect.objectContaining({
        url: 'http://{host}:{port}',
        variables: { host: { default: 'localhost' }, port: { default: '4747' } },
      }),
    ]);
  });

  it('declares on every /__mock operation the admin bearer token, optional as the simulator makes it', () => {
    expect(served.components.securitySchemes.mock_admin_token).toEqual(
      expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    );
    const admin = operations().filter((operation) => operation.route.includes(' /__mock/'));
    expect(admin.length).toBeGreaterThan(10);
    expect(admin.filter((operation) => !isDeepEqual(operation.security, [{}, { mock_admin_token: [] }]))).toEqual([]);
  });

  it('refers every JSON request and response body to a named component schema', () => {
    const bodies = operations().flatMap((operation) =>
      [operation.requestBody, ...Object.values(operation.responses)].flatMap((part) =>
        Object.entries(part?.content ?? {})
          .filter(([type]) => type === 'application/json')
          .map(([, media]) => ({ route: operation.route, ref: media.schema.$ref })),
      ),
    );
    expect(bodies.length).toBeGreaterThan(100);
    const prefix = '#/components/schemas/';
    expect(
      bodies.filter(({ ref }) => typeof ref !== 'string' || !(ref.slice(prefix.length) in served.components.schemas)),
    ).toEqual([]);
    const names = (id: string) => bodies.some(({ ref }) => ref === `${prefix}${id}`);
    expect(['AuthorizePaymentRequest', 'AuthorizePaymentResponse', 'ErrorResponse'].filter((id) => !names(id))).toEqual(
      [],
    );
  });
});

describe('the documentation page at /docs', () => {
  it('serves the Swagger UI assets it links to, and nothing else from that folder', async () => {
    const page = (await app.inject({ method: 'GET', url: '/docs' })).body;
    const assets = page.match(/\/docs\/static\/[\w.-]+/g) ?? [];
    expect(assets.length).toBeGreaterThan(0);
    for (const asset of assets) {
      const response = await app.inject({ method: 'GET', url: asset });
      expect(response.statusCode, asset).toBe(200);
    }
    expect(page).toContain("url: '/openapi.json'");
    const other = await app.inject({ method: 'GET', url: '/docs/static/package.json' });
    expect(other.statusCode).toBe(404);
    expect(other.json().error_code).toBe('NOT_FOUND');
  });

  it('answers with an HTML page', async () => {
    let response = await app.inject({ method: 'GET', url: '/docs' });
    if (response.statusCode >= 300 && response.statusCode < 400) {
      const location = new URL(String(response.headers.location), 'http://localhost/docs');
      response = await app.inject({ method: 'GET', url: location.pathname });
    }
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.body).toMatch(/<html/i);
  });
});
