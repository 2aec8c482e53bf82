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
