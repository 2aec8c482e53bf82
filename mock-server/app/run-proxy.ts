import { driftText } from '../core/proxy/drift-text.js';
import { buildProxy } from '../http/proxy/build-proxy.js';
import { adminExposure } from './admin-exposure.js';
import { PROXY_HELP, readProxyOptions } from './proxy-cli-options.js';
import { serveUntilSignal } from './serve.js';

/** `klarna-mock proxy …`: the proxy's entry point, the only place it listens. */
export async function runProxy(argv: string[]): Promise<void> {
  let read: ReturnType<typeof readProxyOptions>;
  try {
    read = readProxyOptions(argv, process.env, process.stdout.isTTY === true);
  } catch (error) {
    process.stderr.write(`klarna-mock proxy: ${(error as Error).message}\nRun with --help for the options.\n`);
    process.exit(2);
  }
  if (read.help) {
    process.stdout.write(PROXY_HELP);
    return;
  }
  const { options } = read;
  const exposure = adminExposure(options.host, { adminToken: options.adminToken, adminOpen: options.adminOpen });
  if (exposure.kind === 'refuse') {
    process.stderr.write(`klarna-mock proxy: ${exposure.message}\n`);
    process.exit(2);
  }
  let app: Awaited<ReturnType<typeof buildProxy>>;
  try {
    app = await buildProxy({
      upstream: options.upstream,
      timeoutMs: options.timeoutMs,
      ...(options.account !== undefined && { account: options.account }),
      ...(options.adminToken !== undefined && { adminToken: options.adminToken }),
      logger: { level: options.logLevel, pretty: options.logFormat === 'pretty' },
    });
  } catch (error) {
    process.stderr.write(`klarna-mock proxy: ${(error as Error).message}\n`);
    process.exit(2);
  }
  if (exposure.kind === 'warn') app.log.warn(exposure.message);
  // The drift report is the proxy's result: printed on the way out, whatever the log level.
  const { url, note } = await serveUntilSignal(app, { port: options.port, host: options.host }, () =>
    process.stdout.write(driftText(app.drift.report())),
  );
  const upstream = app.drift.report().upstream;
  process.stdout.write(
    `klarna-mock proxy listening on ${url}, forwarding to ${upstream}${note === undefined ? '' : `; ${note}`}\n`,
  );
}
