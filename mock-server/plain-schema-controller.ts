/**
 * Each route checks its own input in one pass (every violation listed, auth first) and serializes its own checked
 * output, so Fastify's per-part validation and serialization stay out of the way. Given as factories, they also
 * spare the start-up from loading ajv and fast-json-stringify. The route schemas are still read for the OpenAPI
 * document. Used by the simulator and by the validating proxy.
 */
export const PLAIN_SCHEMA_CONTROLLER = {
  // Fastify types these factories after ajv's; ours return plain functions, which is all Fastify calls.
  compilersFactory: {
    buildValidator: (() => () => (value: unknown) => ({ value })) as never,
    buildSerializer: (() => () => (value: unknown) => JSON.stringify(value)) as never,
  },
};
