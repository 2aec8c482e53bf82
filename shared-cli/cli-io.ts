/** Where a command line writes: the process's streams, or a test's buffers so that tests run the command in-process. */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

export const PROCESS_IO: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};
