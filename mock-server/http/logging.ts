import { createRequire } from 'node:module';
import type { Writable } from 'node:stream';
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import { type DestinationStream, destination, type LoggerOptions, symbols } from 'pino';
import { redactUrl } from '../core/redact-url.js';
import { redactHeaders } from '../core/redacted-headers.js';

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
 * JSON lines go to standard output without blocking the event loop (batchedStdout). Headers are redacted by logLine
 * itself, not by pino's `redact`, which clones every line.
 */
export function loggerOptions(options: LogOptions): LoggerOptions & { stream: DestinationStream } {
  // pino-pretty colours only a colour terminal (and honours NO_COLOR), so `--log-format pretty > file` stays plain.
  const stream = options.stream ?? (options.pretty ? prettyStream() : batchedStdout());
  return { level: options.level ?? 'info', stream };
}

/** How long a log line may wait for the lines after it, so that they go out in one write. */
const FLUSH_MS = 10;
/** Characters of lines that go out at once, without waiting (pino's destination writes from 8 KB on too). */
const BATCH_CHARS = 8 * 1024;

/**
 * Standard output in batches (batched): one asynchronous write for the lines of FLUSH_MS or BATCH_CHARS, lines handed
 * over while a write was in flight written when it ends, and what is left written synchronously on exit (pino's exit
 * hook). A write per request cost a replay a twentieth of its CPU, and a write per turn of the event loop a client
 * sending one request at a time a fifth of its CPU and of its latency (docs/performance.md). No periodic flush: the
 * destination's wrote an empty string ten times a second to an idle server's standard output.
 */
function batchedStdout(): BatchedStream {
  return batched(destination({ dest: 1, sync: false, minLength: BATCH_CHARS }));
}

type BatchedStream = DestinationStream & { flush(done?: (error?: Error) => void): void };

/** What batched needs of pino's asynchronous destination (SonicBoom). */
interface Destination {
  write(text: string): unknown;
  flush(done?: (error?: Error) => void): void;
  flushSync?: () => void;
  /** SonicBoom's `write` event: the bytes of a write that ended. */
  on?(event: 'write', listener: (bytes: number) => void): unknown;
}

/**
 * Lines gathered in an array and handed to `out` as one string, FLUSH_MS after the first of them or once they reach
 * BATCH_CHARS. Not each line to `out` itself: SonicBoom measures the UTF-8 bytes of the text it holds on every
 * write, so each line cost a copy and a scan of all the lines before it in the batch (25 µs and 8 KB a line,
 * against 1.5 µs and 0.5 KB gathered here). pino writes `out` out synchronously on exit (flushSync): the lines
 * gathered go first.
 */
export function batched(out: Destination): BatchedStream {
  let lines: string[] = [];
  let chars = 0;
  let scheduled = false;
  // Bytes handed to `out` and not written yet. SonicBoom holds what is handed over while a write is in flight, below
  // its minLength, until the next flush: once a write ends with bytes still held, batched flushes them (on the next
  // turn: SonicBoom may go on writing by itself first, and a flush then does nothing).
  let held = 0;
  let rechecking = false;
  const recheck = () => {
    rechecking = false;
    try {
      if (held > 0) out.flush();
    } catch {
      // Destroyed (standard output closed): nothing more can be written.
    }
  };
  out.on?.('write', (bytes) => {
    held -= bytes;
    if (held > 0 && !rechecking) {
      rechecking = true;
      setImmediate(recheck);
    }
  });
  const handOver = () => {
    if (lines.length === 0) return;
    const text = lines.length === 1 ? (lines[0] as string) : lines.join('');
    lines = [];
    chars = 0;
    if (out.on !== undefined) held += Buffer.byteLength(text);
    out.write(text);
  };
  const flushSync = out.flushSync?.bind(out);
  if (flushSync !== undefined) {
    out.flushSync = () => {
      handOver();
      flushSync();
    };
  }
  const flush = () => {
    scheduled = false;
    try {
      handOver();
      out.flush();
    } catch {
      // Destroyed (standard output closed): nothing more can be written.
    }
  };
  return {
    flush: (done?: (error?: Error) => void) => {
      try {
        handOver();
      } catch {
        // Destroyed: the flush below reports it.
      }
      out.flush(done);
    },
    write(line: string) {
      lines.push(line);
      chars += line.length;
      // The destination writes a batch this long at once; a pending timer then finds nothing, or the lines since.
      if (chars >= BATCH_CHARS) handOver();
      else if (!scheduled) {
        scheduled = true;
        // Unreferenced: a pending flush never holds up the exit, which writes what is left.
        setTimeout(flush, FLUSH_MS).unref();
      }
    },
  };
}

/** What logLine needs of pino: the level check, and where a line goes with the bindings already serialized. */
interface LineLogger {
  isLevelEnabled?: (level: string) => boolean;
  [symbols.streamSym]?: { write(line: string): unknown };
  [symbols.chindingsSym]?: string;
}

/**
 * Makes the children of a pino logger cheap, for the child Fastify makes for every request (its reqId on each line).
 * Fastify hands over options, empty unless the route sets a log level or serializers, and pino takes its short way
 * only without options (the same child, without rebuilding its formatters); a silent logger's child is the logger
 * itself, as nothing would be written. Done on the logger rather than through Fastify's childLoggerFactory option,
 * with which Fastify checks each request's child for seven methods. Children inherit it.
 */
export function cheapChildren(logger: FastifyBaseLogger): void {
  const pinoChild = logger.child;
  logger.child = function child(this: FastifyBaseLogger, bindings, options) {
    if (this.level === 'silent') return this;
    for (const _option in options) return pinoChild.call(this, bindings, options);
    return pinoChild.call(this, bindings);
  };
}

const LEVEL_NUMBERS = { info: 30, warn: 40 } as const;

/**
 * One line per request: what was asked, what was answered (a status, or the fault that replaced it), which rule
 * or scenario decided, and unknown fields (docs/simulator-choices.md#unknown-fields), which raise the line to a warning.
 * The line is pino's (level, time, the request's bindings, msg), built as text with native JSON.stringify for its
 * parts and handed to pino's destination: pino's own serializer walked it key by key, a tenth of a replay's CPU.
 */
export function logLine(request: FastifyRequest, answer: number | string, reply?: FastifyReply) {
  const plan = request.exchange?.plan;
  const unknownFields = plan && plan.warnings.length > 0 ? plan.warnings : undefined;
  const level = unknownFields ? 'warn' : 'info';
  // Nothing to build when nothing would be written (logger off, or level above this line's).
  const log = request.log as LineLogger;
  if (log.isLevelEnabled?.(level) !== true) return;
  const url = redactUrl(request.url);
  // Not `req`/`res`: Fastify's serializers for those keys would drop the headers.
  let fields = `"request":{"method":${JSON.stringify(request.method)},"url":${JSON.stringify(url)},"headers":${JSON.stringify(redactHeaders(request.headers))}}`;
  fields += typeof answer === 'number' ? `,"statusCode":${answer}` : `,"fault":${JSON.stringify(answer)}`;
  if (reply) fields += `,"responseTime":${Math.round(reply.elapsedTime * 100) / 100}`;
  if (plan?.decision) fields += `,"rule":${JSON.stringify(plan.decision.rule)}`;
  if (plan?.scenario) {
    fields += `,"scenario":${JSON.stringify(plan.scenario.scenario.name)},"scenarioSource":${JSON.stringify(plan.scenario.source)}`;
  }
  if (plan?.action.kind === 'respond' && plan.action.replayed) fields += ',"replayed":true';
  if (unknownFields) fields += `,"unknownFields":${JSON.stringify(unknownFields)}`;
  let message = `${request.method} ${url} ${typeof answer === 'number' ? answer : `fault ${answer}`}`;
  if (unknownFields) message += ` (unknown fields: ${unknownFields.join(', ')})`;
  // A logger with a level is pino's (loggerOptions), which has both.
  const stream = log[symbols.streamSym];
  const bindings = log[symbols.chindingsSym];
  if (stream === undefined || bindings === undefined) return;
  stream.write(
    `{"level":${LEVEL_NUMBERS[level]},"time":${Date.now()}${bindings},${fields},"msg":${JSON.stringify(message)}}\n`,
  );
}
