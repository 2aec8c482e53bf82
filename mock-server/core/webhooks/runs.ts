/** The work a dispatcher has started and not finished, so that `idle()` and `close()` can wait for it. */
export class Runs {
  private readonly running = new Set<Promise<unknown>>();

  /** Keeps `run` until it settles; returns it. */
  track<T>(run: Promise<T>): Promise<T> {
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
    return run;
  }

  /** Resolves when nothing tracked is running, work started meanwhile included. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }
}
