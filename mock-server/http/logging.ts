import { createRequire } from 'node:module';
import type { Writable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { LoggerOptions } from 'pino';
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

export function loggerOptions(options: LogOptions): LoggerOptions & { stream?: Writable } {
  // pino-pretty colours only a colour terminal (and honours NO_COLOR), so `--log-format pretty > file` stays plain.
  const stream = options.stream ?? (options.pretty ? prettyStream() : undefined);
  return {
    level: options.level ?? 'info',
    redact: { paths: REDACTED_HEADERS.map((h) => `request.headers["${h}"]`), censor: '[redacted]' },
    ...(stream && { stream }),
  };
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
    request: { method: request.method, url, headers: request.headers },
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
