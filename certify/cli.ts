#!/usr/bin/env node
import { runCertifyCli } from './run-cli.js';

// `npm run certify -- <command…>`; see HELP in cli-options.ts. Exits explicitly, as the contract suite's CLI does.
runCertifyCli(process.argv.slice(2), process.env).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`certify: unexpected failure: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(2);
  },
);
