/**
 * Outside the checked scopes (checked-scope.ts), routes check their own input in one pass (every violation listed,
 * auth first) and serialize their own checked output, so Fastify's per-part validation and serialization stay out
 * of the way. Authorize keeps this hand-tuned path because it is the hot path and Klarna's rules for it need more than
 * per-part schemas: the body is read as text after the credentials, headers and body are validated together with
 * settings-dependent rules, and a replay sends the stored bytes unchanged. Given as factories, they also spare the
 * start-up from loading ajv and fast-json-stringify. The route schemas are still read for the OpenAPI document. Used
 * by the simulator and by the validating proxy.
 */
export const PLAIN_SCHEMA_CONTROLLER = {
  // Fastify types these factories after ajv's; ours return plain functions, which is all Fastify calls.
  compilersFactory: {
    // No validator at all: with none for any part, Fastify skips its validation step (validation.js) instead of
    // reading each part (a megamorphic read apiece, the query string parsed) to hand it to a pass-through. Never a
    // `{ value }` answer either: Fastify would set the part again, and for the headers that makes every later read of
    // `request.headers` a copy of them all (four copies a fresh authorize, about 3 % of its instructions).
    buildValidator: (() => () => undefined) as never,
    buildSerializer: (() => () => (value: unknown) => JSON.stringify(value)) as never,
  },
};
