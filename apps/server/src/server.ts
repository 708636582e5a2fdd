import { existsSync } from "node:fs";
import { createServer as createHttpServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";

import { configureValidationMessages } from "@genflow/core";
import type { DbHandle } from "@genflow/db";
import { Router, type Express } from "express";
import type { DestinationStream, Logger } from "pino";
import { Registry } from "prom-client";

import { createApp } from "./app";
import { attachTrpcWebSocket, type TrpcWebSocket } from "./trpc-ws";
import { generateRoutes } from "./generate-routes";
import { articleRoutes } from "./article-routes";
import { cutoutRoutes } from "./cutout-routes";
import { taskRoutes } from "./task-routes";
import { uploadRoutes } from "./upload-routes";
import { resolveAuthSecret } from "./auth-secret";
import { buildDeps, type ServerDeps } from "./deps";
import type { Env } from "./env";
import { createLogger } from "./logger";
import { createMetrics, isEventStream, type HostMetrics } from "./metrics";
import { hasWebBuild } from "./web";

export interface CreateServerOptions {
  /** Where log lines go; stdout by default. */
  logDestination?: DestinationStream;
  /** An open, migrated database to use instead of the one env describes. Left open on close. */
  db?: DbHandle;
}

export interface ListeningServer {
  port: number;
  url: string;
  /** Same as {@link GenFlowServer.close}. */
  close(): Promise<void>;
}

export interface GenFlowServer {
  app: Express;
  deps: ServerDeps;
  log: Logger;
  metrics: HostMetrics;
  listen(port?: number, host?: string): Promise<ListeningServer>;
  /**
   * Graceful shutdown: stop accepting connections, let in-flight requests finish (bounded by
   * SHUTDOWN_TIMEOUT_MS), end open event streams (clients reconnect elsewhere and resume), then
   * close Redis and the database. Safe to call more than once.
   */
  close(): Promise<void>;
}

/** Migrations copied next to the bundled server (dist/migrations); absent when running from source. */
function bundledMigrationsFolder(): string | undefined {
  const folder = fileURLToPath(new URL("./migrations", import.meta.url));
  return existsSync(folder) ? folder : undefined;
}

/** A worker script bundled next to the server (e.g. dist/render-worker.js); absent from source. */
function bundledWorker(name: string): string | undefined {
  const file = fileURLToPath(new URL(`./${name}`, import.meta.url));
  return existsSync(file) ? file : undefined;
}

/** Builds the whole host (logger, metrics, adapters, app) without listening yet. */
export async function createServer(
  env: Env,
  options: CreateServerOptions = {},
): Promise<GenFlowServer> {
  const log = createLogger(env, options.logDestination);
  // Field errors say "Required" or "At most 120 characters", not how zod describes types.
  configureValidationMessages();
  const metrics = createMetrics(new Registry());
  const authSecret = await resolveAuthSecret(env);
  const deps = await buildDeps(env, {
    log,
    metrics,
    authSecret,
    db: options.db,
    migrationsFolder: bundledMigrationsFolder(),
    renderWorkerFile: bundledWorker("render-worker.js"),
    cutoutWorkerFile: bundledWorker("cutout-worker.js"),
  });

  // The SPA is served whenever it has been built (and SERVE_WEB allows it). In development it
  // usually comes from the Vite dev server instead, so a missing build is only worth a warning
  // in production.
  let webDir: string | undefined;
  if (env.SERVE_WEB) {
    if (hasWebBuild(env.WEB_DIST_DIR)) webDir = env.WEB_DIST_DIR;
    else if (env.NODE_ENV === "production") {
      log.warn({ webDistDir: env.WEB_DIST_DIR }, "web app build not found; serving the API only");
    }
  }

  let draining = false;
  const app = createApp({
    env,
    services: deps.services,
    log,
    metrics,
    healthChecks: deps.healthChecks,
    api: Router().use(
      generateRoutes({ services: deps.services }),
      uploadRoutes({ services: deps.services }),
      taskRoutes({ services: deps.services }),
      cutoutRoutes({ services: deps.services }),
      articleRoutes({ services: deps.services }),
    ),
    webDir,
    draining: () => draining,
  });

  const open = new Set<ServerResponse>();
  let http: Server | undefined;
  let sockets: TrpcWebSocket | undefined;
  let closing: Promise<void> | undefined;

  const shutdown = async () => {
    draining = true;
    const server = http;
    if (server?.listening) {
      log.info({ inFlight: open.size }, "shutting down: draining requests");
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // WebSocket clients are told to reconnect (to another process) and resume.
      await sockets?.close();
      for (const res of open) {
        if (!res.headersSent) res.setHeader("Connection", "close");
      }
      // Event streams never finish by themselves: end them (clients reconnect to another
      // instance and resume), including any opened on a kept-alive connection meanwhile.
      const endStreams = () => {
        for (const res of open) if (isEventStream(res.getHeader("content-type"))) res.destroy();
      };
      const drained = await waitUntil(() => {
        endStreams();
        return open.size === 0;
      }, env.SHUTDOWN_TIMEOUT_MS);
      if (!drained)
        log.warn(
          { inFlight: open.size },
          "shutdown timeout reached; closing remaining connections",
        );
      server.closeAllConnections();
      await stopped;
    }
    await deps.close();
    log.info("shutdown complete");
  };

  return {
    app,
    deps,
    log,
    metrics,
    listen(port = env.PORT, host = env.HOST) {
      if (http) return Promise.reject(new Error("already listening"));
      const server = createHttpServer();
      http = server;
      // Registered before the app so every response is tracked before it is handled.
      server.on("request", (_req, res: ServerResponse) => {
        open.add(res);
        res.once("close", () => open.delete(res));
        // During shutdown, tell keep-alive clients not to reuse this connection.
        if (draining) res.setHeader("Connection", "close");
      });
      server.on("request", app);
      const webSockets = attachTrpcWebSocket(server, {
        services: deps.services,
        log,
        maxPayload: env.BODY_LIMIT_BYTES,
        onErrorCode: (code) => metrics.error(code),
        draining: () => draining,
        trustProxy: app.get("trust proxy fn") as (address: string, hop: number) => boolean,
      });
      sockets = webSockets;
      metrics.countWebSockets(() => webSockets.size());
      return new Promise<ListeningServer>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          const address = server.address() as AddressInfo;
          const shownHost = host === "0.0.0.0" || host === "::" ? "localhost" : host;
          resolve({
            port: address.port,
            url: `http://${shownHost.includes(":") ? `[${shownHost}]` : shownHost}:${address.port}`,
            close: () => (closing ??= shutdown()),
          });
        });
      });
    },
    close: () => (closing ??= shutdown()),
  };
}

/** Polls `done` until it holds or `timeoutMs` passes; resolves whether it held. */
async function waitUntil(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return true;
}
