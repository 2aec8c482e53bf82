#!/usr/bin/env node
// The `klarna-mock` command, and what `npm start` runs: the bundled simulator (dist/klarna-mock.cjs, one file to
// read at start) in a Node with the flags of node-flags.json. V8 takes heap sizes only when a process starts, so this
// launcher starts that Node as its child and stands in for it: same arguments, same output, same exit code; SIGINT
// and SIGTERM are passed on, and the child closes gracefully on them.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The heap cap keeps the resident set flat in long runs (every store's default fits well inside it); the young
 * generation's size is the one docs/performance.md measured, and so is the old generation's first size: with the
 * stores full, the old generation then fills to 160 MB before its first full collection, and collects less often
 * after (the authorize p99 halved). A flag NODE_OPTIONS already sets wins, so
 * `NODE_OPTIONS=--max-old-space-size=1024 klarna-mock` raises the cap, as the simulator's heap warning says.
 */
const FLAGS = JSON.parse(readFileSync(new URL('./node-flags.json', import.meta.url), 'utf8'));
const nodeOptions = process.env.NODE_OPTIONS ?? '';
const flags = FLAGS.filter((flag) => !nodeOptions.includes(flag.split('=')[0]));
const bundle = fileURLToPath(new URL('../dist/klarna-mock.cjs', import.meta.url));

const child = spawn(process.execPath, [...flags, bundle, ...process.argv.slice(2)], { stdio: 'inherit' });
const forward = (signal) => child.kill(signal);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, forward);
child.on('error', (error) => {
  process.stderr.write(`klarna-mock: could not start node: ${error.message}\n`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  if (signal === null) process.exit(code ?? 1);
  // Die of the same signal, so that a supervisor sees what it would have seen without the launcher.
  for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.removeListener(name, forward);
  process.kill(process.pid, signal);
});
