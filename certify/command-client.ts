import { spawn } from 'node:child_process';
import type { CertifyClient } from './run-certify.js';
import { CouldNotRunError } from './simulator-admin.js';

/**
 * The client as a command, run once per case with KLARNA_BASE_URL, KLARNA_ACCOUNT_ID and KLARNA_API_KEY in its
 * environment. Its output goes to `output` (the terminal, by default nowhere); its exit code is reported, not judged.
 */
export function commandClient(command: string[], output?: (text: string) => void): CertifyClient {
  const [file, ...args] = command;
  if (file === undefined) throw new CouldNotRunError('no client command given');
  return ({ baseUrl, accountId, apiKey, signal }) =>
    new Promise<string>((resolve, reject) => {
      const child = spawn(file, args, {
        env: { ...process.env, KLARNA_BASE_URL: baseUrl, KLARNA_ACCOUNT_ID: accountId, KLARNA_API_KEY: apiKey },
        stdio: ['ignore', 'pipe', 'pipe'],
        signal,
      });
      child.stdout.on('data', (chunk: Buffer) => output?.(chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => output?.(chunk.toString()));
      child.on('error', (error: NodeJS.ErrnoException) => {
        if (error.name === 'AbortError') return; // the case timed out; 'close' follows
        reject(new CouldNotRunError(`could not start ${file}: ${error.code ?? error.message}`));
      });
      child.on('close', (code, signalName) => resolve(code === null ? `killed (${signalName})` : `exit ${code}`));
    });
}
