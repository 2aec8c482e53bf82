/** A bad command line: the message names the option and the reason. Every CLI exits 2 on it. */
export class UsageError extends Error {
  readonly exitCode = 2;
}
