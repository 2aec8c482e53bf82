import { describe, expect, it } from 'vitest';
import { listeningUrl } from '../../bench/child-server.js';

// What the bench reads off a server's log file to find where it listens.

describe('listeningUrl', () => {
  it('finds the URL of the first complete listening line among log lines', () => {
    const log =
      '{"level":30,"msg":"Server listening at http://127.0.0.1:41234"}\n' +
      'klarna-mock listening on http://127.0.0.1:41234 (ready in 180 ms)\n';
    expect(listeningUrl(log)).toBe('http://127.0.0.1:41234');
  });

  it('waits for the end of the line, which could still carry half a port', () => {
    expect(listeningUrl('klarna-mock listening on http://127.0.0.1:41')).toBeUndefined();
    expect(listeningUrl('starting\nklarna-mock listening on http://127.0.0.1:41')).toBeUndefined();
    expect(listeningUrl('')).toBeUndefined();
  });
});
