import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { klarnaErrorCheck } from '../../contracts/generated/authorize-checks.js';
import { KlarnaError } from '../../contracts/index.js';
import { serializeChecked } from '../core/check-response.js';
import { catalogue, KlarnaHttpError } from '../core/error-catalogue.js';
import { sendJson } from './send-json.js';
import { klarnaErrorOfCompilers } from './validation-errors.js';

/**
 * Maps anything thrown (catalogue entries, Fastify's own body errors, bugs) onto the catalogue. `bodyLimit` is the
 * limit a 413 names, or how to read it (the route's own, looked up only when a body was too large).
 */
export function toKlarnaError(error: unknown, bodyLimit: number | (() => number)): KlarnaHttpError {
  if (error instanceof KlarnaHttpError) return error;
  const checked = klarnaErrorOfCompilers(error);
  if (checked !== undefined) return checked;
  const fastifyError = error as Partial<FastifyError>;
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return catalogue.payloadTooLarge(typeof bodyLimit === 'number' ? bodyLimit : bodyLimit());
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
export function klarnaErrorBody(error: KlarnaHttpError, correlationId: string): string {
  const body = {
    error_id: correlationId,
    ...(error.errorType !== undefined && { error_type: error.errorType }),
    error_code: error.errorCode,
    error_message: error.message,
    ...(error.validationErrors !== undefined && { validation_errors: error.validationErrors }),
  };
  return serializeChecked(KlarnaError, body, klarnaErrorCheck);
}

export function sendKlarnaError(error: KlarnaHttpError, correlationId: string, reply: FastifyReply): FastifyReply {
  reply.header('Klarna-Correlation-Id', correlationId);
  if (error.headers) reply.headers(error.headers);
  let body: string;
  try {
    body = klarnaErrorBody(error, correlationId);
  } catch (broken) {
    // An error body that breaks its own contract is a simulator bug: still answer in Klarna's shape, as a 500.
    reply.log.error({ err: broken }, 'error body broke the KlarnaError contract');
    return sendJson(reply, 500, klarnaErrorBody(catalogue.internal('error body broke its contract'), correlationId));
  }
  return sendJson(reply, error.statusCode, body);
}

const REASONS: Record<number, string> = { 408: 'Request Timeout', 431: 'Request Header Fields Too Large' };

/**
 * Requests Node cannot parse (or that arrive too slowly) (oversized or broken headers) never reach Fastify; answer them on the socket,
 * still in Klarna's shape, and close it.
 */
export function clientErrorHandler(uuid: () => string) {
  return (error: Error & { code?: string }, socket: Duplex) => {
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const klarnaError =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? catalogue.headersTooLarge()
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? catalogue.requestTimeout()
          : catalogue.badRequest();
    const id = uuid();
    const body = klarnaErrorBody(klarnaError, id);
    const reason = REASONS[klarnaError.statusCode] ?? 'Bad Request';
    socket.end(
      `HTTP/1.1 ${klarnaError.statusCode} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nKlarna-Correlation-Id: ${id}\r\nConnection: close\r\n\r\n${body}`,
    );
  };
}

export function errorHandler(bodyLimit: number) {
  return (error: unknown, request: FastifyRequest, reply: FastifyReply) =>
    // A route with a limit of its own (the certification report) names that one in its 413.
    answerThrown(error, request, reply, () => request.routeOptions.bodyLimit ?? bodyLimit);
}

/**
 * Answers anything thrown with the catalogue's error, as the app's error handler does; a route may call it itself
 * for what it throws often (a refused authorize), without Fastify's error path.
 */
export function answerThrown(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
  bodyLimit: number | (() => number),
): FastifyReply {
  const klarnaError = toKlarnaError(error, bodyLimit);
  // For the journal. A scenario's staged error never comes here: the route sends it as the answer it chose.
  if (request.exchange) request.exchange.error = klarnaError;
  if (klarnaError.statusCode >= 500) request.log.error({ err: error }, 'request failed');
  return sendKlarnaError(klarnaError, request.id, reply);
}
