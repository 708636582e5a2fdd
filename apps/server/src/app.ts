import type { ApiServices } from "@genflow/api";
import type { HealthCheck } from "@genflow/core/ports";
import { CUTOUT_MAX_BYTES } from "@genflow/core/cutout";
import express, { Router, type Express } from "express";
import type { Logger } from "pino";

import { chain } from "./chain";
import type { Env } from "./env";
import { healthRoutes } from "./health";
import { httpLogger } from "./http-logger";
import { notFoundHandler, restErrorHandler, type RestErrorOptions } from "./http-error";
import { metricsHandler, type HostMetrics } from "./metrics";
import { createPanelRouter } from "./panel";
import { requestId } from "./request-id";
import { apiSecurityHeaders, corsPolicy, securityHeaders } from "./security";
import { trpcHandler } from "./trpc-handler";
import { webRoutes } from "./web";

export interface AppOptions {
  env: Pick<
    Env,
    "BODY_LIMIT_BYTES" | "CORS_ORIGINS" | "DEBUG" | "METRICS_TOKEN" | "PUBLIC_URL" | "TRUST_PROXY"
  >;
  services: ApiServices;
  log: Logger;
  metrics: HostMetrics;
  healthChecks: readonly HealthCheck[];
  /** REST routes, mounted under /api after the JSON body parser. */
  api?: Router;
  /** Other routes at the root (e.g. the panel's schema), mounted before the SPA's fallback. */
  routes?: readonly Router[];
  /** Folder of the built SPA to serve, when it should be served. */
  webDir?: string | undefined;
  /** True once shutdown has begun (readiness turns 503). */
  draining?: () => boolean;
}

/**
 * The HTTP surface: request ids, logs, metrics and CORS for everything; the API at /trpc and REST
 * under /api with API security headers; then, with the document security headers, probes,
 * metrics, the panel and the SPA. Every error leaves as the `{ error: { … } }` envelope.
 */
export function createApp(options: AppOptions): Express {
  const { env, metrics } = options;
  const errors: RestErrorOptions = { debug: env.DEBUG, onError: (code) => metrics.error(code) };

  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", env.TRUST_PROXY);
  app.set("etag", "weak");

  const https = env.PUBLIC_URL.startsWith("https:");
  // Every request, in this order: its id, its log line, its metrics, CORS.
  app.use(
    chain(requestId(), httpLogger(options.log), metrics.http(), corsPolicy(env.CORS_ORIGINS)),
  );

  // The API first: the hottest path meets no other route on its way.
  const apiHeaders = apiSecurityHeaders({ https });
  app.use(
    "/trpc",
    chain(
      apiHeaders,
      trpcHandler({
        services: options.services,
        maxBodySize: env.BODY_LIMIT_BYTES,
        // A photo of up to CUTOUT_MAX_BYTES, and the form around it.
        maxUploadBodySize: Math.max(env.BODY_LIMIT_BYTES, CUTOUT_MAX_BYTES + 1024 * 1024),
        onErrorCode: (code) => metrics.error(code),
      }),
    ),
  );

  const api = Router();
  api.use(apiHeaders);
  api.use(express.json({ limit: env.BODY_LIMIT_BYTES }));
  if (options.api) api.use(options.api);
  api.use(notFoundHandler(errors));
  app.use("/api", api);

  app.use(securityHeaders({ https }));
  app.use(
    healthRoutes({ checks: options.healthChecks, draining: options.draining ?? (() => false) }),
  );
  app.get("/metrics", metricsHandler(metrics.registry, env.METRICS_TOKEN, errors));

  app.use(
    createPanelRouter({
      production: options.services.config.production,
      authenticate: (headers) => options.services.authenticate(headers),
    }),
  );
  for (const routes of options.routes ?? []) app.use(routes);
  if (options.webDir) app.use(webRoutes(options.webDir));

  app.use(notFoundHandler(errors));
  app.use(restErrorHandler(errors));
  return app;
}
