import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { JournalStore, RecordNote } from '../../../core/journal/journal-store.js';

export interface EventStreamLimits {
  /** Streams open at once; one more is refused until one closes. */
  maxStreams: number;
  /** A comment line this often keeps proxies and browsers from closing a quiet stream. */
  heartbeatMs: number;
}

interface Stream {
  response: ServerResponse;
  account: string | undefined;
  /** The socket's buffer is full: events are not queued but noted, and one `resync` goes out once it drains. */
  blocked: boolean;
  missed: boolean;
}

/**
 * The request inspector's server-sent event streams: each hears a small `request` event (seq, id, account) per
 * journal record of its account (or of every account), and fetches the entries through the paged journal read. At
 * most `maxStreams` are open; the journal is listened to only while one is. Nothing is buffered per stream beyond
 * what the socket holds: a slow reader misses events and is told to read the list again (`resync`).
 */
export class EventStreams {
  private readonly streams = new Set<Stream>();
  private stopListening: (() => void) | undefined;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly journal: JournalStore,
    private readonly limits: EventStreamLimits,
  ) {}

  get size(): number {
    return this.streams.size;
  }

  get full(): boolean {
    return this.streams.size >= this.limits.maxStreams;
  }

  /** Starts the stream on `response` (headers, then a `ready` event); false, with nothing written, when full. */
  open(response: ServerResponse, account: string | undefined, headers: OutgoingHttpHeaders = {}): boolean {
    if (this.full) return false;
    const stream: Stream = { response, account, blocked: false, missed: false };
    this.streams.add(stream);
    // The client went away: its socket is only half closed, and would stay so with the answer never ended.
    response.on('close', () => {
      this.remove(stream);
      response.destroy();
    });
    response.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
      // Ending the stream ends its connection: nothing waits for it to idle when the app closes.
      connection: 'close',
    });
    this.send(stream, `retry: 2000\nevent: ready\ndata: ${JSON.stringify({ account: account ?? null })}\n\n`);
    if (this.stopListening === undefined) this.stopListening = this.journal.onRecord((note) => this.fanOut(note));
    if (this.heartbeat === undefined) {
      this.heartbeat = setInterval(() => {
        for (const open of this.streams) this.send(open, ': ping\n\n');
      }, this.limits.heartbeatMs);
      this.heartbeat.unref();
    }
    return true;
  }

  /** Sends one small event to every open stream, whatever its account (a new certification report). */
  broadcast(event: string, data: Record<string, unknown>): void {
    const text = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const stream of this.streams) this.send(stream, text);
  }

  /** Ends every stream (the app is closing: an open stream would hold its connection forever). */
  closeAll(): void {
    for (const stream of [...this.streams]) {
      stream.response.end();
      this.remove(stream);
    }
  }

  private fanOut(note: RecordNote): void {
    const event = `event: request\nid: ${note.seq}\ndata: ${JSON.stringify(note)}\n\n`;
    for (const stream of this.streams) {
      if (stream.account === undefined || stream.account === note.account) this.send(stream, event);
    }
  }

  private send(stream: Stream, text: string): void {
    if (stream.blocked || stream.response.destroyed) {
      stream.missed = true;
      return;
    }
    if (stream.response.write(text)) return;
    stream.blocked = true;
    stream.response.once('drain', () => {
      stream.blocked = false;
      if (stream.missed) {
        stream.missed = false;
        this.send(stream, 'event: resync\ndata: {}\n\n');
      }
    });
  }

  private remove(stream: Stream): void {
    if (!this.streams.delete(stream) || this.streams.size > 0) return;
    this.stopListening?.();
    this.stopListening = undefined;
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }
}
