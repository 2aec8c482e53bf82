import type { FastifyInstance, FastifyReply } from 'fastify';
import { KlarnaHttpError } from '../../../core/error-catalogue.js';
import type { PaymentRequests } from '../../../core/payment-requests/payment-requests.js';
import { type CustomerAction, isFinal } from '../../../core/payment-requests/transition.js';
import { customerActionResult } from '../../admin/customer-action-routes.js';
import { notFoundPage, purchasePage, statePage } from './purchase-page.js';

const html = (reply: FastifyReply, status: number, body: string) =>
  reply.code(status).type('text/html; charset=utf-8').send(body);

/**
 * The hosted purchase page that payment_request_url points at: opening it moves the request to IN_PROGRESS; its
 * buttons approve, decline or abort, then send the browser to return_url with the placeholders filled.
 */
export function hostedPageRoutes(app: FastifyInstance, deps: { paymentRequests: PaymentRequests }) {
  app.register(async (scope) => {
    // The page's forms post application/x-www-form-urlencoded; only here.
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
      done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );

    scope.get<{ Params: { uuid: string } }>(
      '/pay/requests/:uuid/start',
      // Opening the page moves the request on: a HEAD (a link checker, a chat app's preview) must not.
      { schema: { hide: true }, exposeHeadRoute: false },
      async (request, reply) => {
        const record = await deps.paymentRequests.find(request.params.uuid);
        if (record === undefined) return html(reply, 404, notFoundPage());
        if (isFinal(record.state)) return html(reply, 200, statePage(record));
        const opened = await deps.paymentRequests.act(record, 'open');
        return html(reply, 200, opened instanceof KlarnaHttpError ? statePage(record) : purchasePage(opened));
      },
    );

    scope.post<{ Params: { uuid: string; action: string }; Body: Record<string, string> | undefined }>(
      '/pay/requests/:uuid/:action',
      { schema: { hide: true } },
      async (request, reply) => {
        const record = await deps.paymentRequests.find(request.params.uuid);
        const action = request.params.action as CustomerAction;
        if (record === undefined || !['approve', 'decline', 'abort'].includes(action)) {
          return html(reply, 404, notFoundPage());
        }
        if (isFinal(record.state)) return html(reply, 409, statePage(record));
        if (action === 'approve' && record.requestCustomerToken && request.body?.consent !== 'yes') {
          return html(reply, 400, purchasePage(record, 'Please give your consent to approve.'));
        }
        const next = await deps.paymentRequests.act(record, action);
        if (next instanceof KlarnaHttpError) return html(reply, 409, statePage(record));
        const redirect = customerActionResult(next).redirect_url;
        return redirect ? reply.redirect(redirect, 303) : html(reply, 200, statePage(next));
      },
    );
  });
}
