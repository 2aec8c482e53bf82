import type { FastifyInstance } from 'fastify';
import { catalogue } from './error-catalogue.js';
import { errorHandler, sendKlarnaError } from './error-handler.js';
import { notSimulatedOperation } from './not-simulated-routes.js';
import { registerOpenApi } from './openapi.js';
import type { ExchangeDeps } from './plugins/exchange-hooks.js';
import type { ShutdownSignals } from './plugins/shutdown-hooks.js';
import { adminRoutes } from './routes/admin-routes.js';
import { authorizeRoute } from './routes/authorize-route.js';
import { clockRoutes } from './routes/clock-routes.js';
import { customerActionRoutes } from './routes/customer-action-routes.js';
import { healthRoute } from './routes/health-route.js';
import { hostedPageRoutes } from './routes/hosted-page-routes.js';
import { inspectorRoutes } from './routes/inspector-routes.js';
import { notificationRoutes } from './routes/notification-routes.js';
import { paymentRequestRoutes } from './routes/payment-request-routes.js';
import { paymentRequestWriteRoutes } from './routes/payment-request-write-routes.js';
import { transactionRoutes } from './routes/transaction-routes.js';
import { transactionWriteRoutes } from './routes/transaction-write-routes.js';
import { webhookRoutes } from './routes/webhook-routes.js';
import type { Services } from './services.js';
import type { Sleep } from './sleep.js';

/** Every route, Klarna's error bodies for what they throw and for paths that are not simulated. */
export async function registerRoutes(
  app: FastifyInstance,
  services: Services,
  extra: ShutdownSignals & { sleep: Sleep; exchange: ExchangeDeps },
) {
  const { config, store, clock, uuid, scenarios, journal, paymentRequests, transactions, webhooks, notifications } =
    services;
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
  await transactionWriteRoutes(app, { config, transactions, store, clock });
  await paymentRequestWriteRoutes(app, { config, paymentRequests, store, clock });
  customerActionRoutes(app, { paymentRequests });
  hostedPageRoutes(app, { paymentRequests });
  webhookRoutes(app, { webhooks });
  notificationRoutes(app, { config, store, clock, uuid, notifications, webhooks });
  clockRoutes(app, {
    clock,
    moved: (account) => {
      paymentRequests.sweep(account);
      transactions.sweep(account);
      void webhooks.pump(account);
    },
  });
  await authorizeRoute(app, { ...services, ...extra });
}
