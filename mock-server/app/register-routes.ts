import type { FastifyInstance } from 'fastify';
import { catalogue } from '../core/error-catalogue.js';
import { adminRoutes } from '../http/admin/admin-routes.js';
import { clockRoutes } from '../http/admin/clock-routes.js';
import { customerActionRoutes } from '../http/admin/customer-action-routes.js';
import { healthRoute } from '../http/admin/health-route.js';
import { webhookRoutes } from '../http/admin/webhook-routes.js';
import { errorHandler, sendKlarnaError } from '../http/error-handler.js';
import { hostedPageRoutes } from '../http/pages/hosted-page/hosted-page-routes.js';
import { inspectorRoutes } from '../http/pages/inspector/inspector-routes.js';
import { registerOpenApi } from '../http/pages/openapi.js';
import type { ExchangeDeps } from '../http/plugins/exchange-hooks.js';
import type { ShutdownSignals } from '../http/plugins/shutdown-hooks.js';
import { authorizeRoute } from '../http/routes/authorize-route.js';
import { notSimulatedOperation } from '../http/routes/not-simulated-routes.js';
import { notificationRoutes } from '../http/routes/notification-routes.js';
import { paymentRequestRoutes } from '../http/routes/payment-request-routes.js';
import { paymentRequestWriteRoutes } from '../http/routes/payment-request-write-routes.js';
import { transactionRoutes } from '../http/routes/transaction-routes.js';
import { transactionWriteRoutes } from '../http/routes/transaction-write-routes.js';
import type { Sleep } from '../io/sleep.js';
import type { Services } from './services.js';

/** Every route, Klarna's error bodies for what they throw and for paths that are not simulated. */
export async function registerRoutes(
  app: FastifyInstance,
  services: Services,
  extra: ShutdownSignals & { sleep: Sleep; exchange: ExchangeDeps },
) {
  const {
    config,
    answerStore,
    clock,
    uuid,
    scenarios,
    journal,
    paymentRequests,
    transactions,
    webhooks,
    notifications,
  } = services;
  app.setErrorHandler(errorHandler(config.bodyLimitBytes));
  app.setNotFoundHandler((request, reply) =>
    sendKlarnaError(catalogue.routeNotFound(notSimulatedOperation(request.method, request.url)), request.id, reply),
  );
  registerOpenApi(app);
  healthRoute(app);
  adminRoutes(app, { scenarios, journal, resetAccount: services.resetAccount });
  inspectorRoutes(app, { journal });
  paymentRequestRoutes(app, { config, paymentRequests });
  transactionRoutes(app, { config, transactions, clock });
  await transactionWriteRoutes(app, { config, transactions, answerStore, clock });
  await paymentRequestWriteRoutes(app, { config, paymentRequests, answerStore, clock });
  customerActionRoutes(app, { paymentRequests });
  hostedPageRoutes(app, { paymentRequests });
  webhookRoutes(app, { webhooks });
  notificationRoutes(app, { config, answerStore, clock, uuid, notifications, webhooks });
  clockRoutes(app, {
    clock,
    moved: async (account) => {
      await paymentRequests.sweep(account);
      await transactions.sweep(account);
      void webhooks.pump(account);
    },
  });
  await authorizeRoute(app, { ...services, ...extra });
}
