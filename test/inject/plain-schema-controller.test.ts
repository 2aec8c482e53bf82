import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { PLAIN_SCHEMA_CONTROLLER } from '../../mock-server/http/plain-schema-controller.js';

// Outside the checked scopes Fastify's validation is a pass-through: every part stays what Node and the parsers
// made, and `request.headers` stays Node's own object (no copy of every header at each read).

describe('the plain schema controller', () => {
  it('leaves each request part as received, and the headers as Node parsed them', async () => {
    const app = Fastify({ schemaController: PLAIN_SCHEMA_CONTROLLER });
    const object = { type: 'object', properties: { a: { type: 'integer' } }, required: ['a'] };
    app.post(
      '/parts/:id',
      { schema: { params: object, querystring: object, headers: object, body: object } },
      async (request) => ({
        // No validation function for any part: Fastify's validation step has nothing to run.
        validators: (['params', 'querystring', 'headers', 'body'] as const).map(
          (part) => typeof request.getValidationFunction(part),
        ),
        sameHeaders: request.headers === request.raw.headers,
        header: request.headers.a,
        params: request.params,
        query: request.query,
        body: request.body,
      }),
    );
    // Nothing is checked here: the routes check their own input (the schemas are for the OpenAPI document).
    const response = await app.inject({
      method: 'POST',
      url: '/parts/x?a=not-a-number',
      headers: { a: 'also-not' },
      payload: { a: 'nor-this', b: [1] },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      validators: ['undefined', 'undefined', 'undefined', 'undefined'],
      sameHeaders: true,
      header: 'also-not',
      params: { id: 'x' },
      query: { a: 'not-a-number' },
      body: { a: 'nor-this', b: [1] },
    });
    await app.close();
  });
});
