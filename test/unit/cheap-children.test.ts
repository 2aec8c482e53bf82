import { Writable } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { cheapChildren } from '../../mock-server/http/logging.js';

/** A pino logger at `level` writing into `lines`, with cheapChildren applied. */
function logger(level: string, lines: Record<string, unknown>[]): FastifyBaseLogger {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(text));
      done();
    },
  });
  const root = pino({ level }, stream) as unknown as FastifyBaseLogger;
  cheapChildren(root);
  return root;
}

describe("a request's child logger (cheapChildren)", () => {
  it('carries its bindings on every line, as pino children do, and its children carry both', async () => {
    const lines: Record<string, unknown>[] = [];
    const child = logger('info', lines).child({ reqId: 'r-1' }, {});
    child.info('one');
    child.child({ step: 2 }, {}).warn('two');
    child.debug('not written');
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.map(({ reqId, step, msg, level }) => ({ reqId, step, msg, level }))).toEqual([
      { reqId: 'r-1', step: undefined, msg: 'one', level: 30 },
      { reqId: 'r-1', step: 2, msg: 'two', level: 40 },
    ]);
  });

  it("honours a route's options (a log level of its own)", async () => {
    const lines: Record<string, unknown>[] = [];
    const child = logger('info', lines).child({ reqId: 'r-2' }, { level: 'debug' });
    child.debug('written');
    await new Promise((resolve) => setImmediate(resolve));
    expect(child.level).toBe('debug');
    expect(lines.map((line) => [line.reqId, line.msg])).toEqual([['r-2', 'written']]);
  });

  it("takes pino's short way (no options) unless the route set some", () => {
    const root = pino({ level: 'info' }) as unknown as FastifyBaseLogger;
    const calls: number[] = [];
    const pinoChild = root.child;
    root.child = function spied(this: FastifyBaseLogger, ...args: Parameters<FastifyBaseLogger['child']>) {
      calls.push(args.length);
      return pinoChild.apply(this, args);
    } as FastifyBaseLogger['child'];
    cheapChildren(root);
    root.child({ reqId: 'r-4' }, {});
    root.child({ reqId: 'r-5' }, { level: 'debug' });
    expect(calls).toEqual([1, 2]);
  });

  it('makes no child of a silent logger: nothing would be written', () => {
    const root = logger('silent', []);
    expect(root.child({ reqId: 'r-3' }, {})).toBe(root);
  });
});
