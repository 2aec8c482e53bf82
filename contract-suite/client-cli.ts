#!/usr/bin/env node
import { runClientCheck } from './client-check.js';

// `npm run contract:client -- --base-url <url> --account <id>`; see CLIENT_HELP in client-check.ts.
runClientCheck(process.argv.slice(2), process.env, {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
}).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`contract:client: unexpected failure: ${String(error)}\n`);
    process.exit(2);
  },
);
