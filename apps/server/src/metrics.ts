import { timingSafeEqual } from "node:crypto";

import type { ApiMetrics } from "@genflow/api";
import type { CutoutMetrics } from "@genflow/core/cutout";
import type { GenerateMetrics } from "@genflow/core/generate";
import { DomainError } from "@genflow/core/errors";
import type { Request, RequestHandler } from "express";
import { collectDefaultMetrics, Counter, Gauge, Histogram, type Registry } from "prom-client";

import type { RestErrorOptions } from "./http-error";
import { sendError } from "./http-error";

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * Everything the host measures, registered on one registry that the composition root owns (no
 * global default registry, so several servers can live in one process).
 */
export function createMetrics(registry: Registry) {
  const registers = [registry];
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });

  const httpDuration = new Histogram({
    name: "http_request_duration_seconds",
    help: "HTTP request duration by method, route and status",
    labelNames: ["method", "route", "status"] as const,
    buckets: DURATION_BUCKETS,
    registers,
  });
  const httpInFlight = new Gauge({
    name: "http_requests_in_flight",
    help: "HTTP requests being served, open event streams included",
    registers,
  });
  const procedureDuration = new Histogram({
    name: "trpc_procedure_duration_seconds",
    help: "tRPC procedure duration by path, type and result code",
    labelNames: ["path", "type", "code"] as const,
    buckets: DURATION_BUCKETS,
    registers,
  });
  const errors = new Counter({
    name: "errors_total",
    help: "Error responses by domain error code",
    labelNames: ["code"] as const,
    registers,
  });
  // The name predates subscriptions over WebSocket; both transports count.
  const sseOpen = new Gauge({
    name: "sse_open_subscriptions",
    help: "Open subscriptions (server-sent events or WebSocket) by procedure",
    labelNames: ["path"] as const,
    registers,
  });
  let openWebSockets = () => 0;
  new Gauge({
    name: "websocket_connections",
    help: "Open WebSocket connections (the web app keeps one per tab with live updates)",
    registers,
    collect() {
      this.set(openWebSockets());
    },
  });
  const rateLimited = new Counter({
    name: "rate_limit_rejections_total",
    help: "Requests rejected by a rate-limit policy",
    labelNames: ["policy"] as const,
    registers,
  });
  const redisUp = new Gauge({
    name: "redis_up",
    help: "1 while Redis is reachable, 0 while the service runs on in-process fallbacks",
    registers,
  });
  const redisFallbacks = new Counter({
    name: "redis_fallbacks_total",
    help: "Operations answered by an in-process fallback because Redis was unavailable",
    labelNames: ["component"] as const,
    registers,
  });

  const renderDuration = new Histogram({
    name: "card_render_duration_seconds",
    help: "Card render time in a worker thread (queue wait excluded) by template and format",
    labelNames: ["template", "format"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const renderQueue = new Gauge({
    name: "card_render_queue_length",
    help: "Card renders waiting for a worker thread, by lane",
    labelNames: ["lane"] as const,
    registers,
  });
  const cardCache = new Counter({
    name: "card_cache_lookups_total",
    help: "Card requests answered from already rendered bytes (hit) or rendered (miss)",
    labelNames: ["result"] as const,
    registers,
  });
  const renderRejections = new Counter({
    name: "card_render_rejections_total",
    help: "Card renders refused because the queue was full, or stopped because they took too long",
    labelNames: ["lane", "reason"] as const,
    registers,
  });
  const cutoutDuration = new Histogram({
    name: "cutout_inference_duration_seconds",
    help: "Background-removal inference time in its thread (queue wait excluded) by model",
    labelNames: ["model"] as const,
    buckets: [0.25, 0.5, 1, 1.5, 2, 3, 5, 10, 30],
    registers,
  });
  const cutoutQueue = new Gauge({
    name: "cutout_queue_length",
    help: "Photos waiting for the background-removal model",
    registers,
  });
  const cutoutRejections = new Counter({
    name: "cutout_rejections_total",
    help: "Photos refused because the model's queue was full, or stopped because they took too long",
    labelNames: ["reason"] as const,
    registers,
  });
  const cutout: CutoutMetrics = {
    inferred(model, seconds) {
      cutoutDuration.observe({ model }, seconds);
    },
    queueLength(length) {
      cutoutQueue.set(length);
    },
    rejected(reason) {
      cutoutRejections.inc({ reason });
    },
  };

  const generate: GenerateMetrics = {
    renderDuration(labels, seconds) {
      renderDuration.observe(labels, seconds);
    },
    queueLength(lane, length) {
      renderQueue.set({ lane }, length);
    },
    cacheLookup(result) {
      cardCache.inc({ result });
    },
    rejected(lane, reason) {
      renderRejections.inc({ lane, reason });
    },
  };

  const api: ApiMetrics = {
    procedureDone({ path, type, code, durationMs }) {
      procedureDuration.observe({ path, type, code }, durationMs / 1000);
    },
    rateLimited(policy) {
      rateLimited.inc({ policy });
    },
    subscriptionOpened(path) {
      sseOpen.inc({ path });
    },
    subscriptionClosed(path) {
      sseOpen.dec({ path });
    },
  };

  return {
    registry,
    /** Reported into by the API layer. */
    api,
    /** Reported into by the card pipeline. */
    generate,
    /** Reported into by the background-removal engine. */
    cutout,
    /** Where `websocket_connections` reads the number of open sockets from. */
    countWebSockets(size: () => number) {
      openWebSockets = size;
    },
    /** One error response with this domain code. */
    error(code: string) {
      errors.inc({ code });
    },
    /** Matches the Redis adapters' `onStateChange`. Starts at 0 until a connection is reported. */
    redisStateChanged(up: boolean) {
      redisUp.set(up ? 1 : 0);
    },
    /** Matches the Redis adapters' `onFallback`. */
    redisFallback(component: string) {
      redisFallbacks.inc({ component });
    },
    /** Times every request and counts those in flight. */
    http(): RequestHandler {
      return (req, res, next) => {
        const end = httpDuration.startTimer();
        httpInFlight.inc();
        res.once("close", () => {
          httpInFlight.dec();
          // An event stream's duration is how long someone watched, not how fast we answered.
          if (isEventStream(res.getHeader("content-type"))) return;
          end({ method: req.method, route: routeLabel(req), status: String(res.statusCode) });
        });
        next();
      };
    },
  };
}

export type HostMetrics = ReturnType<typeof createMetrics>;

export function isEventStream(contentType: string | number | string[] | undefined): boolean {
  return typeof contentType === "string" && contentType.startsWith("text/event-stream");
}

/** A bounded label for the request's route; never the raw path (unbounded cardinality). */
function routeLabel(req: Request): string {
  const path = req.originalUrl.split("?", 1)[0] ?? "";
  if (path === "/trpc" || path.startsWith("/trpc/")) return "/trpc";
  const route: unknown = req.route;
  if (route && typeof route === "object" && "path" in route && typeof route.path === "string") {
    return `${req.baseUrl}${route.path}`;
  }
  if (path.startsWith("/api/")) return "/api/*";
  if (path.startsWith("/assets/")) return "/assets/*";
  return req.method === "GET" || req.method === "HEAD" ? "web" : "unmatched";
}

/** GET /metrics in the Prometheus text format; with a token, only for `Authorization: Bearer <token>`. */
export function metricsHandler(
  registry: Registry,
  token: string | undefined,
  errors: RestErrorOptions,
): RequestHandler {
  const expected = token ? Buffer.from(`Bearer ${token}`) : undefined;
  return async (req, res) => {
    if (expected) {
      const given = Buffer.from(req.headers.authorization ?? "");
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        sendError(req, res, new DomainError("UNAUTHORIZED", "A metrics token is required"), errors);
        return;
      }
    }
    const body = await registry.metrics();
    res.setHeader("Content-Type", registry.contentType);
    res.setHeader("Cache-Control", "no-store");
    res.end(body);
  };
}
