// For `bench:api --layers` only: GenFlow's request pipeline for /trpc rebuilt from the same
// building blocks as src/app.ts, in the same order, with chosen host layers left out. It measures
// what each layer costs; the benchmark itself always runs the real app from createServer().
import express, { type Express } from "express";

import type { Env } from "../src/env";
import { healthRoutes } from "../src/health";
import { httpLogger } from "../src/http-logger";
import { metricsHandler } from "../src/metrics";
import { requestId } from "../src/request-id";
import { corsPolicy, securityHeaders } from "../src/security";
import type { GenFlowServer } from "../src/server";
import { trpcHandler } from "../src/trpc-handler";

export const HOST_LAYERS = ["requestId", "logging", "metrics", "securityHeaders", "cors"] as const;
export type HostLayer = (typeof HOST_LAYERS)[number];

export function isHostLayer(value: string): value is HostLayer {
  return (HOST_LAYERS as readonly string[]).includes(value);
}

export function composeApp(
  server: GenFlowServer,
  env: Env,
  without: ReadonlySet<HostLayer>,
): Express {
  const { deps, log, metrics } = server;
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", env.TRUST_PROXY);
  app.set("etag", "weak");

  if (!without.has("requestId")) app.use(requestId());
  if (without.has("logging")) {
    // The API handler logs failures through req.log.
    app.use((req, _res, next) => {
      req.log = log;
      next();
    });
  } else {
    app.use(httpLogger(log));
  }
  if (!without.has("metrics")) app.use(metrics.http());
  if (!without.has("securityHeaders"))
    app.use(securityHeaders({ https: env.PUBLIC_URL.startsWith("https:") }));
  if (!without.has("cors")) app.use(corsPolicy(env.CORS_ORIGINS));
  app.use(healthRoutes({ checks: deps.healthChecks, draining: () => false }));
  app.get("/metrics", metricsHandler(metrics.registry, env.METRICS_TOKEN, { debug: env.DEBUG }));
  app.use(
    "/trpc",
    trpcHandler({
      services: deps.services,
      maxBodySize: env.BODY_LIMIT_BYTES,
      onErrorCode: (code) => metrics.error(code),
    }),
  );
  return app;
}
