import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { destination as pinoDestination } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { batched } from '../../mock-server/http/logging.js';

/**
 * pino's asynchronous destination as batched sees it: the texts handed over (`handed`), and what each flush wrote
 * (`writes`); flushSync is what pino's exit hook calls.
 */
function destination() {
  const pending: string[] = [];
  const writes: string[] = [];
  const handed: string[] = [];
  const flushAll = () => {
    if (pending.length > 0) writes.push(pending.splice(0).join(''));
  };
  return {
    writes,
    handed,
    write: (text: string) => {
      handed.push(text);
      pending.push(text);
    },
    flush: (done?: (error?: Error) => void) => {
      flushAll();
      done?.();
    },
    flushSync: flushAll as () => void,
  };
}

describe('log lines in batches', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('writes the lines of 10 ms in one write, whatever the turns of the event loop between them', async () => {
    const out = destination();
    const stream = batched(out);
    stream.write('a\n');
    await vi.advanceTimersByTimeAsync(4);
    stream.write('b\n');
    await vi.advanceTimersByTimeAsync(5);
    stream.write('c\n');
    expect(out.writes).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(out.writes).toEqual(['a\nb\nc\n']);
  });

  it('schedules the next write with the next line after a flush, and none while nothing waits', async () => {
    const out = destination();
    const stream = batched(out);
    stream.write('a\n');
    await vi.advanceTimersByTimeAsync(10);
    expect(vi.getTimerCount()).toBe(0);
    stream.write('b\n');
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(10);
    expect(out.writes).toEqual(['a\n', 'b\n']);
  });

  it('hands the lines over as one text, not one by one (the destination measures all it holds on each)', async () => {
    const out = destination();
    const stream = batched(out);
    for (const line of ['a\n', 'b\n', 'c\n']) stream.write(line);
    await vi.advanceTimersByTimeAsync(10);
    expect(out.handed).toEqual(['a\nb\nc\n']);
  });

  it('hands 8 KB of lines over at once, without waiting for the timer', () => {
    const out = destination();
    const stream = batched(out);
    const line = `${'x'.repeat(1023)}\n`;
    for (let i = 0; i < 7; i++) stream.write(line);
    expect(out.handed).toEqual([]);
    stream.write(line);
    expect(out.handed).toEqual([line.repeat(8)]);
  });

  it('writes the lines still gathered when pino flushes the destination synchronously on exit', () => {
    const out = destination();
    const stream = batched(out);
    stream.write('last words\n');
    out.flushSync();
    expect(out.writes).toEqual(['last words\n']);
  });

  it('writes at once what waits when asked to flush (before the ready line, on exit)', () => {
    const out = destination();
    const stream = batched(out);
    stream.write('warning\n');
    const done = vi.fn();
    stream.flush(done);
    expect(out.writes).toEqual(['warning\n']);
    expect(done).toHaveBeenCalledOnce();
  });

  it('flushes what the destination held while a write was in flight once that write ends, and nothing when idle', async () => {
    // As SonicBoom with a minLength: text handed over while it writes is held, and flush() then does nothing.
    const listeners: Array<(bytes: number) => void> = [];
    const writes: string[] = [];
    let held = '';
    let inFlight: string | undefined;
    const start = () => {
      inFlight = held;
      held = '';
      writes.push(inFlight);
    };
    const out = {
      write: (text: string) => {
        held += text;
      },
      flush: () => {
        if (inFlight === undefined) start();
      },
      on: (_event: 'write', listener: (bytes: number) => void) => listeners.push(listener),
    };
    const end = () => {
      const bytes = Buffer.byteLength(inFlight ?? '');
      inFlight = undefined;
      for (const listener of listeners) listener(bytes);
    };
    const stream = batched(out);
    stream.write('first\n');
    await vi.advanceTimersByTimeAsync(10);
    expect(writes).toEqual(['first\n']);
    stream.write('während\n');
    await vi.advanceTimersByTimeAsync(10);
    expect(writes).toEqual(['first\n']);
    end();
    await vi.advanceTimersByTimeAsync(0);
    expect(writes).toEqual(['first\n', 'während\n']);
    end();
    await vi.advanceTimersByTimeAsync(1000);
    expect(writes).toEqual(['first\n', 'während\n']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('survives a destination that cannot be written any more', async () => {
    const stream = batched({
      write: () => true,
      flush: () => {
        throw new Error('destroyed');
      },
    });
    stream.write('a\n');
    await expect(vi.advanceTimersByTimeAsync(10)).resolves.not.toThrow();
  });
});

describe('log lines in batches, on pino’s own destination', () => {
  it('writes every line with no periodic flush, lines handed over during a write included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'klarna-mock-log-'));
    const file = join(dir, 'out.log');
    const out = pinoDestination({ dest: file, sync: false, minLength: 8 * 1024 });
    try {
      await once(out, 'ready');
      const stream = batched(out);
      const long = `${'x'.repeat(9000)}\n`;
      const expected = `${long}short\n${long}während\n`;
      let written = 0;
      const all = new Promise<void>((resolve) =>
        out.on('write', (bytes: number) => {
          written += bytes;
          if (written === Buffer.byteLength(expected)) resolve();
        }),
      );
      // Each long line goes out at once; the short one after it is handed over while that write may be in flight.
      stream.write(long);
      stream.write('short\n');
      stream.write(long);
      stream.write('während\n');
      await all;
      expect(readFileSync(file, 'utf8')).toBe(expected);
    } finally {
      out.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
