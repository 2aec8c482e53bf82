import { spawn } from 'node:child_process';
import type { CertifyClient } from './run-certify.js';
import { CouldNotRunError } from './simulator-admin.js';

/**
 * The client as a command, run once per case with KLARNA_BASE_URL, KLARNA_ACCOUNT_ID and KLARNA_API_KEY in its
 * environment, and for its webhook receiver KLARNA_CERTIFY_REPORT_URL and KLARNA_WEBHOOK_SIGNING_KEY (and
 * KLARNA_SESSION_TOKEN in the expired-token case). Its output goes to `output` (the terminal, by default nowhere);
 * its exit code is reported, not judged.
 */
export function commandClient(command: string[], output?: (text: string) => void): CertifyClient {
  const [file, ...args] = command;
  if (file === undefined) throw new CouldNotRunError('no client command given');
  return ({ baseUrl, accountId, apiKey, reportUrl, signingKey, sessionToken, signal }) =>
    new Promise<string>((resolve, reject) => {
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        KLARNA_BASE_URL: baseUrl,
        KLARNA_ACCOUNT_ID: accountId,
        KLARNA_API_KEY: apiKey,
        KLARNA_CERTIFY_REPORT_URL: reportUrl,
        KLARNA_WEBHOOK_SIGNING_KEY: signingKey,
      };
      // Only the expired-token case has one: an inherited value would mislead every other case.
      if (sessionToken === undefined) delete env.KLARNA_SESSION_TOKEN;
      else env.KLARNA_SESSION_TOKEN = sessionToken;
      const child = spawn(file, args, {
        env,
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
