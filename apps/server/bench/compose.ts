// For `bench:api --layers` only: GenFlow's request pipeline for /trpc rebuilt from the same
// building blocks as src/app.ts, in the same order, with chosen host layers left out. It measures
// what each layer costs; the benchmark itself always runs the real app from createServer().
import express, { type Express, type RequestHandler } from "express";

import { chain } from "../src/chain";
import type { Env } from "../src/env";
import { httpLogger } from "../src/http-logger";
import { requestId } from "../src/request-id";
import { apiSecurityHeaders, corsPolicy } from "../src/security";
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

  const perRequest: RequestHandler[] = [];
  if (!without.has("requestId")) perRequest.push(requestId());
  if (without.has("logging")) {
    // The API handler logs failures through req.log.
    perRequest.push((req, _res, next) => {
      req.log = log;
      next();
    });
  } else {
    perRequest.push(httpLogger(log));
  }
  if (!without.has("metrics")) perRequest.push(metrics.http());
  if (!without.has("cors")) perRequest.push(corsPolicy(env.CORS_ORIGINS));
  app.use(chain(...perRequest));

  const api: RequestHandler[] = [];
  if (!without.has("securityHeaders"))
    api.push(apiSecurityHeaders({ https: env.PUBLIC_URL.startsWith("https:") }));
  api.push(
    trpcHandler({
      services: deps.services,
      maxBodySize: env.BODY_LIMIT_BYTES,
      maxUploadBodySize: env.BODY_LIMIT_BYTES,
      onErrorCode: (code) => metrics.error(code),
    }),
  );
  app.use("/trpc", chain(...api));
  return app;
}
