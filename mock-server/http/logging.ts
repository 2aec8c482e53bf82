import { createRequire } from 'node:module';
import type { Writable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type DestinationStream, destination, type LoggerOptions } from 'pino';
import { redactUrl } from '../core/redact-url.js';
import { REDACTED_HEADERS } from '../core/redacted-headers.js';

export interface LogOptions {
  level?: string;
  /** Human-readable lines (a terminal); JSON otherwise. */
  pretty?: boolean;
  /** Where lines go; standard output by default. */
  stream?: Writable;
}

/** pino-pretty is loaded only for a terminal: JSON logging (CI) starts without it. */
function prettyStream(): Writable {
  const pinoPretty = createRequire(import.meta.url)('pino-pretty') as (options: { sync: boolean }) => Writable;
  return pinoPretty({ sync: true });
}

/**
 * JSON lines go to standard output without blocking the event loop: each write is handed to the file descriptor
 * asynchronously, and lines logged while one is in flight go out together in the next (what is left is written
 * synchronously on exit). Headers are redacted by logLine itself, not by pino's `redact`, which clones every line.
 */
export function loggerOptions(options: LogOptions): LoggerOptions & { stream: DestinationStream } {
  // pino-pretty colours only a colour terminal (and honours NO_COLOR), so `--log-format pretty > file` stays plain.
  const stream = options.stream ?? (options.pretty ? prettyStream() : destination({ dest: 1, sync: false }));
  return { level: options.level ?? 'info', stream };
}

const REDACTED = new Set(REDACTED_HEADERS);

/** The headers as a log line shows them: credentials and tokens replaced by `[redacted]`. */
export function redactedHeaders(headers: FastifyRequest['headers']): Record<string, unknown> {
  const shown: Record<string, unknown> = {};
  for (const name in headers) shown[name] = REDACTED.has(name) ? '[redacted]' : headers[name];
  return shown;
}

/**
 * One line per request: what was asked, what was answered (a status, or the fault that replaced it), which rule
 * or scenario decided, and unknown fields (docs/simulator-choices.md#unknown-fields), which raise the line to a warning.
 */
export function logLine(request: FastifyRequest, answer: number | string, reply?: FastifyReply) {
  // Nothing to build when nothing would be written (logger off, or level above warn).
  const log = request.log as { isLevelEnabled?: (level: string) => boolean };
  if (log.isLevelEnabled?.('warn') !== true) return;
  const plan = request.exchange?.plan;
  const action = plan?.action;
  const unknownFields = plan && plan.warnings.length > 0 ? plan.warnings : undefined;
  const url = redactUrl(request.url);
  const line = {
    // Not `req`/`res`: Fastify's serializers for those keys would drop the headers.
    request: { method: request.method, url, headers: redactedHeaders(request.headers) },
    ...(typeof answer === 'number' ? { statusCode: answer } : { fault: answer }),
    ...(reply && { responseTime: Math.round(reply.elapsedTime * 100) / 100 }),
    ...(plan?.decision && { rule: plan.decision.rule }),
    ...(plan?.scenario && { scenario: plan.scenario.scenario.name, scenarioSource: plan.scenario.source }),
    ...(action?.kind === 'respond' && action.replayed && { replayed: true }),
    ...(unknownFields && { unknownFields }),
  };
  const message = `${request.method} ${url} ${typeof answer === 'number' ? answer : `fault ${answer}`}`;
  if (unknownFields) request.log.warn(line, `${message} (unknown fields: ${unknownFields.join(', ')})`);
  else request.log.info(line, message);
}
