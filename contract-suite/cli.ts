#!/usr/bin/env node
import { runCli } from './run-cli.js';

// `npm run contract -- --base-url <url>`; see HELP in cli-options.ts. Exits explicitly: the HTTP agent may keep
// idle keep-alive sockets open for a while after the last request.
runCli(process.argv.slice(2), process.env).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`contract: unexpected failure: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(2);
  },
);
