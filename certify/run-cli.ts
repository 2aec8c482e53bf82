import { writeFileSync } from 'node:fs';
import { type CliIo, PROCESS_IO } from '../shared-cli/cli-io.js';
import { unwritable } from '../shared-cli/unwritable.js';
import { HELP, readCertifyOptions, UsageError } from './cli-options.js';
import { commandClient } from './command-client.js';
import { htmlReport } from './html-report.js';
import { certifyJunit, certifyJunitCouldNotRun } from './junit-report.js';
import { type CertifyResult, CouldNotRunError, certify } from './run-certify.js';
import { textReport } from './text-report.js';

/** The whole command without process.exit: 0 every rule passed, 1 a rule failed, 2 could not run. */
export async function runCertifyCli(argv: string[], env: NodeJS.ProcessEnv, io: CliIo = PROCESS_IO): Promise<number> {
  let read: ReturnType<typeof readCertifyOptions>;
  try {
    read = readCertifyOptions(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`certify: ${error.message}\nRun with --help for the options.\n`);
    return 2;
  }
  if (read.help) {
    io.out(HELP);
    return 0;
  }
  const { options } = read;
  // Where the reports go is settled before the client runs eight times.
  for (const [flag, path] of [
    ['--junit', options.junit],
    ['--html', options.html],
  ] as const) {
    const problem = path === undefined ? undefined : unwritable(path);
    if (problem !== undefined) {
      io.err(`certify: ${flag}: ${problem}\nNothing was run.\n`);
      return 2;
    }
  }
  const command = options.command.join(' ');
  let result: CertifyResult;
  try {
    result = await certify({
      client: commandClient(options.command, options.verbose ? io.err : undefined),
      seed: options.seed,
      baseUrl: options.baseUrl,
      adminToken: env.KLARNA_MOCK_ADMIN_TOKEN,
      hangMs: options.hangMs,
      caseTimeoutMs: options.caseTimeoutMs,
      minGapMs: options.minGapMs,
      clientName: command,
    });
  } catch (error) {
    if (!(error instanceof CouldNotRunError)) throw error;
    io.err(`certify: ${error.message}\n`);
    if (options.junit !== undefined) write(options.junit, certifyJunitCouldNotRun(error.message), 'JUnit', io);
    return 2;
  }
  io.out(textReport(result, command));
  io.out(inspectorLine(result));
  const written = [
    options.junit === undefined || write(options.junit, certifyJunit(result, command), 'JUnit', io),
    options.html === undefined || write(options.html, htmlReport(result, command), 'HTML', io),
  ];
  if (written.includes(false)) return 2;
  return result.passed ? 0 : 1;
}

function inspectorLine(result: CertifyResult): string {
  if (result.inspector !== 'handed in') return `Inspector: the report was ${result.inspector}\n`;
  if (result.simulator === 'given') return `Inspector: the report is at ${result.baseUrl}/__mock/ui\n`;
  // Said plainly: the simulator certify started has closed, and the report with it.
  return 'Inspector: the simulator certify started has closed with the report; run with --base-url to keep it\n';
}

function write(path: string, text: string, what: string, io: CliIo): boolean {
  try {
    writeFileSync(path, text);
  } catch (error) {
    io.err(`certify: could not write the ${what} report: ${(error as Error).message}\n`);
    return false;
  }
  io.out(`${what} report written to ${path}\n`);
  return true;
}
