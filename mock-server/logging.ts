import type { Writable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { LoggerOptions } from 'pino';
import pinoPretty from 'pino-pretty';

export interface LogOptions {
  level?: string;
  /** Human-readable lines (a terminal); JSON otherwise. */
  pretty?: boolean;
  /** Where lines go; standard output by default. */
  stream?: Writable;
}

/** Credentials and tokens never reach a log. */
export const REDACTED_HEADERS = ['authorization', 'klarna-network-session-token', 'klarna-customer-token'];

export function loggerOptions(options: LogOptions): LoggerOptions & { stream?: Writable } {
  const stream = options.stream ?? (options.pretty ? pinoPretty({ sync: true, colorize: true }) : undefined);
  return {
    level: options.level ?? 'info',
    redact: { paths: REDACTED_HEADERS.map((h) => `request.headers["${h}"]`), censor: '[redacted]' },
    ...(stream && { stream }),
  };
}

/** One line per request: what was asked, what was answered, and which rule decided. */
export function logLine(request: FastifyRequest, reply: FastifyReply) {
  const outcome = request.authorizeOutcome;
  request.log.info(
    {
      // Not `req`/`res`: Fastify's serializers for those keys would drop the headers.
      request: { method: request.method, url: request.url, headers: request.headers },
      statusCode: reply.statusCode,
      responseTime: Math.round(reply.elapsedTime * 100) / 100,
      ...(outcome?.decision && { rule: outcome.decision.rule }),
      ...(outcome?.replayed && { replayed: true }),
      ...(outcome && outcome.warnings.length > 0 && { unknownFields: outcome.warnings }),
    },
    `${request.method} ${request.url} ${reply.statusCode}`,
  );
}
