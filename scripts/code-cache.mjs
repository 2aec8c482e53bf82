// writeCodeCache(entry): the V8 code cache the bundle's entry point (scripts/bundle-loader.cjs) starts with. It starts
// the entry as `npm start` does (bin/node-flags.json's flags: V8 refuses a cache made under other flags), waits for
// its "listening on" line, sends one authorize (Klarna's documented sample, approved: the path every user's first
// request takes), then stops it with SIGTERM; on its way out the entry writes what V8 compiled by then.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const FLAGS = JSON.parse(readFileSync(join(ROOT, 'bin', 'node-flags.json'), 'utf8'));
const WAIT_MS = 30_000;
const ACCOUNT = 'krn:partner:global:account:test:M48JWZF8';

/** The sample initial authorization, without its step-up config: the default decision approves it. */
function sampleBody() {
  const { body } = JSON.parse(readFileSync(join(ROOT, 'fixtures', 'samples', 'initial-authorization-step-up.json')));
  const { step_up_config: _stepUp, ...approved } = body;
  return JSON.stringify(approved);
}

/** `entry`: the loader scripts/bundle.mjs wrote; the cache goes beside it (`.code-cache`). */
export async function writeCodeCache(entry) {
  const cacheFile = entry.replace(/\.cjs$/, '.code-cache');
  rmSync(cacheFile, { force: true });
  const child = spawn(process.execPath, [...FLAGS, entry, '--port', '0', '--log-level', 'warn'], {
    env: { ...plainEnv(), KLARNA_MOCK_WRITE_CODE_CACHE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const closed = new Promise((resolve) => child.on('close', resolve));
  let output = '';
  try {
    const url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not listening in ${WAIT_MS} ms:\n${output}`)), WAIT_MS);
      const read = (chunk) => {
        output += chunk.toString();
        const found = /listening on (http:\/\/\S+)/.exec(output);
        if (found === null) return;
        clearTimeout(timer);
        resolve(found[1]);
      };
      // (The timer goes with a failure too: a pending one would hold the build for WAIT_MS.)
      const fail = (error) => {
        clearTimeout(timer);
        reject(error);
      };
      child.stdout.on('data', read);
      child.stderr.on('data', read);
      child.on('error', fail);
      child.on('exit', (code) => fail(new Error(`exited with ${code} before listening:\n${output}`)));
    });
    const status = await authorize(url);
    if (status !== 200) throw new Error(`the warm-up authorize answered ${status}, not 200`);
  } catch (error) {
    await stop(child, closed);
    // What it wrote on its way out would hold a start that went wrong: none rather than that one.
    rmSync(cacheFile, { force: true });
    throw error;
  }
  await stop(child, closed);
  if (!existsSync(cacheFile)) throw new Error(`no code cache written at ${cacheFile}:\n${output}`);
  return cacheFile;
}

/**
 * The environment without what would start the simulator otherwise than `npm start` with no settings: its own
 * variables (a Redis store, workers, an admin token), its port and log level, and Node's options (under other flags
 * V8 would refuse the cache at every start).
 */
function plainEnv() {
  const skipped = new Set(['PORT', 'HOST', 'LOG_LEVEL', 'NODE_OPTIONS']);
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !skipped.has(name) && !name.startsWith('KLARNA_MOCK_')),
  );
}

/** SIGTERM, and SIGKILL if it has not closed within WAIT_MS: a build never waits for ever. */
async function stop(child, closed) {
  child.kill('SIGTERM');
  let timer;
  const late = new Promise((resolve) => {
    timer = setTimeout(() => resolve('late'), WAIT_MS);
  });
  if ((await Promise.race([closed, late])) === 'late') {
    child.kill('SIGKILL');
    await closed;
  }
  clearTimeout(timer);
}

function authorize(url) {
  const body = sampleBody();
  return new Promise((resolve, reject) => {
    const req = request(`${url}/v2/accounts/${encodeURIComponent(ACCOUNT)}/payment/authorize`, {
      method: 'POST',
      headers: {
        authorization: 'Basic klarna_test_api_made_up_key',
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        'klarna-idempotency-key': 'code-cache-warm-up',
      },
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.setTimeout(WAIT_MS, () => req.destroy(new Error(`no answer to the warm-up authorize in ${WAIT_MS} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}
