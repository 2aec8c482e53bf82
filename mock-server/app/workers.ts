import cluster, { type Worker } from 'node:cluster';
import { readyText } from './serve.js';

/** What a worker tells the primary once it listens. */
interface ReadyMessage {
  kind: 'klarna-mock-ready';
  url: string;
  note: string | undefined;
}

type Served = { url: string; note: string | undefined };

/** A replacement that dies before it serves (Redis away at its start) is tried again after this long, not at once. */
const RETRY_MS = 1_000;

/**
 * `--workers N`: one port served by N processes (node:cluster; the primary accepts connections and hands them to the
 * workers in turn). Each worker runs `serveOne`, the normal server; the primary prints the one ready line once every
 * worker listens, starts a new worker when one dies, and on SIGINT or SIGTERM stops them all. The first worker starts
 * alone, so that a bad setting (an unreachable store) is reported once and stops the command with the worker's exit
 * code; the others then start together.
 */
export async function serveWithWorkers(count: number, serveOne: () => Promise<Served>): Promise<void> {
  if (cluster.isWorker) {
    const served = await serveOne();
    process.send?.({ kind: 'klarna-mock-ready', ...served } satisfies ReadyMessage);
    return;
  }
  const primary = new Primary();
  const first = await primary.start(1);
  await primary.start(count - 1);
  primary.serving = true;
  const note = [first.note, `${count} workers`].filter((part) => part !== undefined).join('; ');
  process.stdout.write(`klarna-mock listening on ${first.url} (${readyText(note)})\n`);
}

class Primary {
  private readonly workers = new Set<Worker>();
  private stopping = false;
  /** Past start-up: a worker that dies is replaced instead of stopping the command. */
  serving = false;

  constructor() {
    process.on('SIGINT', () => this.stop('SIGINT'));
    process.on('SIGTERM', () => this.stop('SIGTERM'));
  }

  /** Starts `count` workers and resolves once each listens; one that exits first stops the command with its code. */
  async start(count: number): Promise<Served> {
    const started = await Promise.all(Array.from({ length: count }, () => this.fork()));
    return started[0] ?? { url: '', note: undefined };
  }

  private fork(): Promise<Served> {
    const worker = cluster.fork();
    this.workers.add(worker);
    return new Promise((resolve) => {
      let ready = false;
      worker.on('message', (message: ReadyMessage) => {
        if (message?.kind !== 'klarna-mock-ready') return;
        ready = true;
        resolve({ url: message.url, note: message.note });
      });
      worker.on('exit', (code, signal) => {
        this.workers.delete(worker);
        if (this.stopping) {
          if (code !== 0 && process.exitCode === undefined) process.exitCode = 1;
          return this.stopped();
        }
        if (!this.serving) {
          // At start: the worker printed why (a bad setting exits 2); the command stops with its code.
          process.exitCode = code ?? 1;
          return this.stop('SIGTERM');
        }
        const how = signal === null ? `exit code ${code}` : `signal ${signal}`;
        process.stderr.write(
          `klarna-mock: worker ${worker.process.pid} stopped unexpectedly (${how}); starting another\n`,
        );
        const again = () => {
          if (!this.stopping) void this.fork();
        };
        if (ready) again();
        else setTimeout(again, RETRY_MS);
      });
    });
  }

  private stop(signal: NodeJS.Signals): void {
    if (this.stopping) return;
    this.stopping = true;
    for (const worker of this.workers) worker.process.kill(signal);
    this.stopped();
  }

  private stopped(): void {
    if (this.workers.size === 0) process.exit(process.exitCode ?? 0);
  }
}
