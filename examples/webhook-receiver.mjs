// The receiver of docs/guides/step-up-journey.md (Webhooks), which test/docs/webhook-receiver-example.test.ts runs
// (and test/docs/guide-examples.test.ts checks that the guide's text is this file's). PORT=0 takes a free port.
// webhook-receiver.mjs: logs every webhook the simulator sends, after checking its signature.
import { createServer } from 'node:http';
import { verifyKlarnaSignature } from 'klarna-mock';

const SIGNING_KEY = 'my-webhook-signing-key-0001';
const PORT = Number(process.env.PORT ?? 4800);

const server = createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const rawBody = Buffer.concat(chunks); // verify the bytes as received, never re-serialized JSON
    const valid = verifyKlarnaSignature(rawBody, request.headers['klarna-signature'], SIGNING_KEY);
    const { metadata, payload } = JSON.parse(rawBody.toString('utf8'));
    console.log(valid ? 'verified' : 'BAD SIGNATURE', metadata.event_type, payload.payment_request_id);
    response.writeHead(valid ? 204 : 401).end();
  });
}).listen(PORT, '127.0.0.1', () => console.log(`webhook receiver on http://127.0.0.1:${server.address().port}`));
