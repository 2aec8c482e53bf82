import Fastify from 'fastify';
import { APPROVED_ANSWER } from './request.js';

// The baseline: Fastify 5 with its defaults (JSON body parsing included) answering a fixed JSON on the simulator's
// route, no validation, no state. bench/run.ts starts it as a child process and reads the line below.

const app = Fastify({ logger: false });
app.post('/v2/accounts/:partner_account_id/payment/authorize', async (_request, reply) =>
  reply.type('application/json; charset=utf-8').send(APPROVED_ANSWER),
);

const portFlag = process.argv.indexOf('--port');
const port = portFlag >= 0 ? Number(process.argv[portFlag + 1]) : 0;
// Without a top-level await: the bundle is a script (scripts/bundle.mjs), as the simulator's is.
app.listen({ port, host: '127.0.0.1' }).then((url) => {
  process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
  process.stdout.write(`bare-fastify listening on ${url}\n`);
});
