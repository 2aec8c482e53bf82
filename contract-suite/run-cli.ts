import { writeFileSync } from 'node:fs';
import { type CliIo, PROCESS_IO } from '../shared-cli/cli-io.js';
import { unwritable } from '../shared-cli/unwritable.js';
import { DEFAULT_ACCOUNT, HELP, readContractOptions, UsageError } from './cli-options.js';
import { junitCouldNotRun, junitXml } from './junit-report.js';
import { CouldNotRunError, runContractSuite } from './run-contract-suite.js';
import { exitCodeOf, textReport } from './text-report.js';

/**
 * The whole command without process.exit, so tests run it in-process. Resolves with the exit code:
 * 0 passed, 1 violations, 2 could not run (bad arguments, no answer, report not written).
 */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv, io: CliIo = PROCESS_IO): Promise<number> {
  let read: ReturnType<typeof readContractOptions>;
  try {
    read = readContractOptions(argv, env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`contract: ${error.message}\nRun with --help for the options.\n`);
    return 2;
  }
  if (read.help) {
    io.out(HELP);
    return 0;
  }
  const { options } = read;
  const defaulted = [
    ...(options.defaulted.account ? [`account ${DEFAULT_ACCOUNT}`] : []),
    ...(options.defaulted.apiKey ? ['API key'] : []),
  ];
  if (defaulted.length > 0) {
    io.out(
      `Note: using the simulator's default ${defaulted.join(' and ')}; Klarna's test environment needs your own ` +
        '--account and --api-key (or KLARNA_ACCOUNT_ID / KLARNA_API_KEY).\n',
    );
  }
  // Where the JUnit report goes is settled before any request: against Klarna, every check sends real requests.
  if (options.output !== undefined) {
    const problem = unwritable(options.output);
    if (problem !== undefined) {
      io.err(`contract: --output: ${problem}\nNothing was checked.\n`);
      return 2;
    }
  }
  let result: Awaited<ReturnType<typeof runContractSuite>>;
  try {
    result = await runContractSuite(options);
  } catch (error) {
    if (!(error instanceof CouldNotRunError)) throw error;
    const hint = error.unreachable ? ' Is the provider running at that address?' : '';
    io.err(`contract: ${error.message}\nNothing was checked.${hint}\n`);
    if (options.output !== undefined) {
      const step = error.unreachable ? 'reach the provider' : 'read the documented requests';
      writeReport(options.output, junitCouldNotRun(step, error.message), io);
    }
    return 2;
  }
  io.out(textReport(result));
  if (options.output !== undefined && !writeReport(options.output, junitXml(result), io)) return 2;
  return exitCodeOf(result);
}

function writeReport(path: string, xml: string, io: CliIo): boolean {
  try {
    writeFileSync(path, xml);
  } catch (error) {
    io.err(`contract: could not write the JUnit report: ${(error as Error).message}\n`);
    return false;
  }
  io.out(`JUnit report written to ${path}\n`);
  return true;
}
