// Checks a running target answers correctly, then puts it under load with autocannon.
import { loadavg } from "node:os";

import autocannon from "autocannon";

import { TARGET_LABELS, type TargetKind, type TargetReady } from "./protocol";
import type { TargetProcess } from "./target-process";

export interface LoadParams {
  connections: number;
  warmupSec: number;
  durationSec: number;
}

export interface TargetResult {
  kind: TargetKind;
  label: string;
  path: string;
  /** Mean of the per-second request counts over the measured window. */
  requestsPerSec: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMeanMs: number;
  totalRequests: number;
  /** Connection errors and timeouts. */
  errors: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  /** Share of one core the target used during the measured window (null when unknown). */
  serverCpuPercent: number | null;
  /** Requests served per second of target CPU time: throughput with machine contention factored out. */
  requestsPerCpuSecond: number | null;
  /** 1-minute load average just before the warm-up. */
  loadBefore: number;
  /** With several rounds: every round's req/s, in the order measured (this result is the median). */
  roundsRequestsPerSec?: number[];
}

interface Body {
  status: number;
  json: unknown;
}

async function get(ready: TargetReady, headers: Record<string, string>): Promise<Body> {
  const response = await fetch(`http://127.0.0.1:${ready.port}${ready.path}`, { headers });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.status, json };
}

function at(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/**
 * One request exactly like the benchmark's must succeed with the expected body. For GenFlow the
 * body must name the signed-in user and say it came through the API key, and the same request
 * without the key must be anonymous, so the load really goes through authentication.
 */
export async function verify(ready: TargetReady): Promise<void> {
  const fail = (what: string, body: Body) => {
    throw new Error(
      `${TARGET_LABELS[ready.kind]}: ${what} (HTTP ${body.status}: ${JSON.stringify(body.json).slice(0, 300)})`,
    );
  };
  const body = await get(ready, ready.headers);
  if (body.status !== 200) fail("verification request did not answer 200", body);

  switch (ready.kind) {
    case "express":
      if (at(body.json, "ok") !== true) fail("unexpected body", body);
      return;
    case "trpc":
      if (at(body.json, "result", "data", "ok") !== true) fail("unexpected body", body);
      return;
    case "genflow": {
      const data = at(body.json, "result", "data", "json");
      if (ready.anonymous) {
        if (at(data, "user") !== null) fail("the anonymous variant should not be signed in", body);
        return;
      }
      const email = at(data, "user", "email");
      if (!ready.user || email !== ready.user.email)
        fail("the response does not name the signed-in user", body);
      if (at(data, "via") !== "apiKey")
        fail("the caller was not authenticated by the API key", body);
      const anonymous = await get(ready, {});
      if (
        anonymous.status !== 200 ||
        at(anonymous.json, "result", "data", "json", "user") !== null
      ) {
        fail("without the API key the caller should be anonymous", anonymous);
      }
      return;
    }
  }
}

function run(ready: TargetReady, connections: number, durationSec: number) {
  return autocannon({
    url: `http://127.0.0.1:${ready.port}${ready.path}`,
    headers: ready.headers,
    connections,
    duration: durationSec,
  });
}

/** Warm-up (discarded), then the measured window. */
export async function measure(target: TargetProcess, params: LoadParams): Promise<TargetResult> {
  const { ready } = target;
  const loadBefore = loadavg()[0] ?? 0;
  if (params.warmupSec > 0) await run(ready, params.connections, params.warmupSec);

  target.startProfile();
  const cpuBefore = target.cpuSeconds();
  const startedAt = performance.now();
  const result = await run(ready, params.connections, params.durationSec);
  const elapsedSec = (performance.now() - startedAt) / 1000;
  const cpuAfter = target.cpuSeconds();

  const cpuUsed = cpuBefore !== null && cpuAfter !== null ? cpuAfter - cpuBefore : null;
  const totalRequests = result.requests.total;
  const statusCodes: Record<string, number> = {};
  for (const [code, stats] of Object.entries(result.statusCodeStats))
    statusCodes[code] = stats.count;

  return {
    kind: ready.kind,
    label: TARGET_LABELS[ready.kind],
    path: ready.path,
    requestsPerSec: result.requests.average,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    latencyMeanMs: result.latency.average,
    totalRequests,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    statusCodes,
    serverCpuPercent: cpuUsed === null ? null : (100 * cpuUsed) / elapsedSec,
    requestsPerCpuSecond: cpuUsed ? totalRequests / cpuUsed : null,
    loadBefore,
  };
}
