import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { KlarnaError } from '../contracts/index.js';
import { serializeChecked } from './check-response.js';
import { catalogue, KlarnaHttpError } from './error-catalogue.js';
import { sendJson } from './routes/send-json.js';

/** Maps anything thrown (catalogue entries, Fastify's own body errors, bugs) onto the catalogue. */
export function toKlarnaError(error: unknown, bodyLimit: number): KlarnaHttpError {
  if (error instanceof KlarnaHttpError) return error;
  const fastifyError = error as Partial<FastifyError>;
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return catalogue.payloadTooLarge(bodyLimit);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return catalogue.invalidJson();
    case 'FST_ERR_BAD_URL':
      return catalogue.routeNotFound();
  }
  // JSON.parse failures and prototype-poisoning rejections from the body parser arrive as 400 SyntaxErrors.
  if (fastifyError.statusCode === 400 && error instanceof SyntaxError) return catalogue.invalidJson();
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode < 500) return catalogue.badRequest();
  return catalogue.internal();
}

/** The one place that turns an error into Klarna's body; `error_id` equals the response's Klarna-Correlation-Id. */
export function sendKlarnaError(error: KlarnaHttpError, correlationId: string, reply: FastifyReply): FastifyReply {
  const body = {
    error_id: correlationId,
    error_type: error.errorType,
    error_code: error.errorCode,
    error_message: error.message,
    ...(error.validationErrors !== undefined && { validation_errors: error.validationErrors }),
  };
  reply.header('Klarna-Correlation-Id', correlationId);
  return sendJson(reply, error.statusCode, serializeChecked(KlarnaError, body));
}

export function errorHandler(bodyLimit: number) {
  return (error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const klarnaError = toKlarnaError(error, bodyLimit);
    if (klarnaError.statusCode >= 500) request.log.error({ err: error }, 'request failed');
    return sendKlarnaError(klarnaError, request.id, reply);
  };
}
