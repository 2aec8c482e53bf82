import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CertifyClientNote, type CertifyEffect, dotPath } from '../contracts/index.js';

// Where the client under test reports back (KLARNA_CERTIFY_REPORT_URL): its webhook receiver before the purchase,
// each effect its receiver applied, and that its purchase is made. One small HTTP server on 127.0.0.1 for the run,
// one path per case, so a late report of an earlier case never lands in the next one.

/** A note's body is a few hundred bytes; past this it is refused. */
export const MAX_NOTE_BYTES = 16 * 1024;
/** Effects kept per case: a receiver that reports more is misbehaving, and the rest are dropped. */
export const MAX_EFFECTS = 200;

export interface CaseHooks {
  /** The client announced its receiver: subscribe it (webhook cases). Answered once this settles. */
  receiver(url: string): Promise<void>;
  /** The client has made its purchase: let the case's webhooks happen. Answered once this settles. */
  done(): Promise<void>;
}

export interface CaseNotes {
  receiver: string | undefined;
  effects: CertifyEffect[];
  done: boolean;
  /** Notes refused (bad JSON, unknown shape, too big), in words, for the report. */
  refused: string[];
}

interface OpenCase {
  hooks: CaseHooks;
  notes: CaseNotes;
}

export interface ReportCollector {
  /** The report URL of case n. */
  url(n: number): string;
  /** Starts taking case n's notes. */
  open(n: number, hooks: CaseHooks): void;
  /** Stops taking case n's notes and gives them. */
  close(n: number): CaseNotes;
  stop(): Promise<void>;
}

export async function startReportCollector(): Promise<ReportCollector> {
  const cases = new Map<number, OpenCase>();
  const server = createServer((request, response) => {
    handle(cases, request, response).catch((error: unknown) => answer(response, 500, (error as Error).message));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (n) => `http://127.0.0.1:${port}/cases/${n}`,
    open(n, hooks) {
      cases.set(n, { hooks, notes: noNotes() });
    },
    close(n) {
      const open = cases.get(n);
      cases.delete(n);
      return open?.notes ?? noNotes();
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const noNotes = (): CaseNotes => ({ receiver: undefined, effects: [], done: false, refused: [] });

async function handle(cases: Map<number, OpenCase>, request: IncomingMessage, response: ServerResponse) {
  const match = /^\/cases\/(\d{1,4})$/.exec(request.url ?? '');
  const open = match ? cases.get(Number(match[1])) : undefined;
  if (request.method !== 'POST') return answer(response, 405, 'POST a note');
  if (open === undefined) return answer(response, 404, 'no such case running');
  const text = await readBody(request);
  if (text === undefined) {
    open.notes.refused.push(`a note over ${MAX_NOTE_BYTES} bytes`);
    return answer(response, 413, `a note is at most ${MAX_NOTE_BYTES} bytes`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    open.notes.refused.push('a note that is not JSON');
    return answer(response, 400, 'not JSON');
  }
  const parsed = CertifyClientNote.safeParse(json);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${dotPath(i.path, 'note')}: ${i.message}`).join('; ');
    open.notes.refused.push(why.slice(0, 200));
    return answer(response, 400, why);
  }
  const note = parsed.data;
  if (note.type === 'receiver') {
    open.notes.receiver = note.url;
    await open.hooks.receiver(note.url);
  } else if (note.type === 'effect') {
    if (open.notes.effects.length < MAX_EFFECTS)
      open.notes.effects.push({ event_id: note.event_id, state: note.state });
  } else {
    open.notes.done = true;
    await open.hooks.done();
  }
  answer(response, 204);
}

function readBody(request: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_NOTE_BYTES) chunks.push(chunk);
    });
    request.on('end', () => resolve(size > MAX_NOTE_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function answer(response: ServerResponse, status: number, message?: string) {
  if (response.headersSent) return;
  if (message === undefined) return response.writeHead(status).end();
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: message }));
}
