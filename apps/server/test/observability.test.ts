import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createMetrics } from "../src/metrics";
import { query, restError, startServer, type RunningServer } from "./support";

const TOKEN = "metrics-token-0123456789";
const RATE_LIMIT = 40;

let s: RunningServer;

beforeAll(async () => {
  s = await startServer({ METRICS_TOKEN: TOKEN, RATE_LIMIT_API_PER_MINUTE: String(RATE_LIMIT) });
});

afterAll(async () => {
  await s.stop();
});

async function scrape(): Promise<string> {
  const response = await fetch(`${s.url}/metrics`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toContain("text/plain");
  return response.text();
}

/** The value of one sample, e.g. `errors_total{code="NOT_FOUND"}`; undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("probes", () => {
  it("/healthz answers without touching dependencies", async () => {
    const response = await fetch(`${s.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("/readyz reports each component with its latency", async () => {
    const response = await fetch(`${s.url}/readyz`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      status: string;
      components: Record<string, { ok: boolean; latencyMs?: number }>;
    };
    expect(body.status).toBe("ok");
    expect(body.components.database?.ok).toBe(true);
    expect(body.components.database?.latencyMs).toBeGreaterThanOrEqual(0);
  });
});

describe("/metrics", () => {
  it("requires the metrics token when one is configured", async () => {
    const response = await fetch(`${s.url}/metrics`);
    expect(response.status).toBe(401);
    expect((await restError(response)).code).toBe("UNAUTHORIZED");
    const wrong = await fetch(`${s.url}/metrics`, {
      headers: { authorization: `Bearer ${TOKEN}x` },
    });
    expect(wrong.status).toBe(401);
  });

  it("exposes process, HTTP, procedure and error metrics after traffic", async () => {
    await fetch(`${s.url}/healthz`);
    expect((await query(s.url, "system.info")).status).toBe(200);
    expect((await query(s.url, "system.nothing")).status).toBe(404);
    expect((await fetch(`${s.url}/api/nothing`)).status).toBe(404);

    const text = await scrape();
    expect(
      sample(
        text,
        'http_request_duration_seconds_count{method="GET",route="/healthz",status="200"}',
      ),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, 'http_request_duration_seconds_count{method="GET",route="/trpc",status="404"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(
        text,
        'trpc_procedure_duration_seconds_count{path="system.info",type="query",code="OK"}',
      ),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'errors_total{code="NOT_FOUND"}')).toBeGreaterThanOrEqual(2);
    // The scrape itself is in flight.
    expect(sample(text, "http_requests_in_flight")).toBeGreaterThanOrEqual(1);
    expect(sample(text, "nodejs_eventloop_lag_seconds")).toEqual(expect.any(Number));
    expect(sample(text, "process_cpu_user_seconds_total")).toBeGreaterThan(0);
    expect(sample(text, "redis_up")).toBe(0);
    expect(text).toContain("# TYPE redis_fallbacks_total counter");
    expect(text).toContain("# TYPE sse_open_subscriptions gauge");
  });

  it("counts rate-limit rejections by policy", async () => {
    let limited: Response | undefined;
    for (let i = 0; i <= RATE_LIMIT && !limited; i += 1) {
      const response = await query(s.url, "system.info");
      if (response.status === 429) limited = response;
    }
    expect(limited?.headers.get("retry-after")).toMatch(/^\d+$/);
    const text = await scrape();
    expect(sample(text, 'rate_limit_rejections_total{policy="api"}')).toBe(1);
    expect(sample(text, 'errors_total{code="LIMIT_EXCEEDED"}')).toBe(1);
  });

  it("can be built several times in one process, each on its own registry", () => {
    const a = createMetrics(new Registry());
    const b = createMetrics(new Registry());
    a.error("NOT_FOUND");
    expect(a.registry).not.toBe(b.registry);
  });
});

describe("readiness when the database is gone", () => {
  it("turns /readyz to 503 while /healthz stays up", async () => {
    await s.db.close();
    const response = await fetch(`${s.url}/readyz`);
    expect(response.status).toBe(503);
    const body = (await response.json()) as {
      status: string;
      components: { database: { ok: boolean } };
    };
    expect(body.status).toBe("unavailable");
    expect(body.components.database.ok).toBe(false);
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
  });
});
