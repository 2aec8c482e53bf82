import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { batched } from '../../mock-server/http/logging.js';

/** pino's asynchronous destination as batched sees it: lines handed over, and each flush that writes them. */
function destination() {
  const pending: string[] = [];
  const writes: string[] = [];
  return {
    writes,
    write: (line: string) => pending.push(line),
    flush: (done?: (error?: Error) => void) => {
      if (pending.length > 0) writes.push(pending.splice(0).join(''));
      done?.();
    },
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
