import { amountAsString } from './amount-as-string.js';
import { type Flaw, startProvider } from './fake-provider.js';
import { missingCorrelationId } from './missing-correlation-id.js';
import { missingTransactionId } from './missing-transaction-id.js';
import { nonKlarnaError } from './non-klarna-error.js';
import { wrongResultEnum } from './wrong-result-enum.js';
import { wrongStatus } from './wrong-status.js';

// Serves one broken provider by hand, to watch the contract suite catch it (README, "Contract suite"):
//   node --import tsx test/contract-suite/broken-providers/serve.ts amount-as-string [port]

const FLAWS: Record<string, Flaw> = {
  'amount-as-string': amountAsString,
  'missing-transaction-id': missingTransactionId,
  'non-klarna-error': nonKlarnaError,
  'wrong-status': wrongStatus,
  'wrong-result-enum': wrongResultEnum,
  'missing-correlation-id': missingCorrelationId,
  none: (answer) => answer,
};

const [name = '', port = '4748'] = process.argv.slice(2);
const flaw = FLAWS[name];
if (flaw === undefined || !/^\d+$/.test(port)) {
  process.stderr.write(`usage: serve.ts <${Object.keys(FLAWS).join('|')}> [port]\n`);
  process.exit(2);
}
const provider = await startProvider(flaw, Number(port));
process.stdout.write(`broken provider "${name}" listening on ${provider.url} (Ctrl-C stops it)\n`);
process.on('SIGINT', () => provider.close().then(() => process.exit(0)));
process.on('SIGTERM', () => provider.close().then(() => process.exit(0)));
