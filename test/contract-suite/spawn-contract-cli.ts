import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '../..');

/**
 * Runs the real command, `node --import tsx contract-suite/cli.ts …`, as `npm run contract` does; or, `compiled`,
 * `node dist/contract-suite/cli.js …`, as the installed `klarna-mock-contract` does.
 */
export async function spawnContractCli(args: string[], options: { compiled?: boolean } = {}) {
  const entry = options.compiled ? ['dist/contract-suite/cli.js'] : ['--import', 'tsx', 'contract-suite/cli.ts'];
  const child = spawn(process.execPath, [...entry, ...args], {
    cwd: ROOT,
    env: { ...process.env, KLARNA_ACCOUNT_ID: undefined, KLARNA_API_KEY: undefined },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}
