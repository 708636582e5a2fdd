// The HTTP part of bench:generate (`--http`), kept apart from the in-process contenders:
// 1. cached: the same card request repeated at 50 connections with autocannon, answered from
//    GenFlow's render cache (201 with the PNG) and revalidated with its ETag (304), against a bare
//    Express route serving the same bytes from memory (http-target.ts). Goal: GenFlow ≥ 80% of
//    the anchor's req/s in both, with no errors.
// 2. cold: GenFlow rendering afresh for every request over HTTP, one request at a time, each with
//    a unique field value so no cache can answer (http-contract.ts): latency p50/p90/p99.
// GenFlow is its real host from ../genflow-target.ts, called through `POST /api/generate`
// (http-contract.ts says how). While the route does not answer there, GenFlow's rows are reported
// as not measured with the reason; the anchor runs regardless, so the harness is exercised.
import { loadavg } from "node:os";

import autocannon from "autocannon";

import { CARD_SIZE, caseFields, CASES, type CaseId } from "./cases";
import {
  CACHED_HEADER,
  generateBody,
  GENERATE_METHOD,
  GENERATE_PATH,
  GENERATE_STATUS,
  uniqueBody,
} from "./http-contract";
import type { HttpTargetReady } from "./http-target";
import { startServer, type Server } from "./processes";
import { HTTP_GOAL } from "./report";
import { progress } from "./session";
import { pngSize, summarize } from "./stats";

export interface HttpParams {
  connections: number;
  warmupSec: number;
  durationSec: number;
  /** Cold renders over HTTP, one at a time (after a few discarded ones). */
  coldRequests: number;
}

export type HttpMode = "cached" | "revalidated" | "cold";

export interface HttpRow {
  target: "bare" | "genflow";
  mode: HttpMode;
  label: string;
  requestsPerSec: number;
  latencyP50Ms: number;
  latencyP90Ms: number;
  latencyP99Ms: number;
  requests: number;
  /** Connection errors and timeouts. */
  errors: number;
  /**
   * Responses other than the mode expects: another status than 201 (304 when revalidating), and
   * in the cold run, bytes a cache answered with.
   */
  unexpected: number;
  /** Responses by status. */
  statusCodes: Record<string, number>;
  loadBefore: number;
}

export interface HttpReport {
  status: "measured" | "not-measured";
  /** Why GenFlow's part (or all of it) was not measured. */
  reason?: string;
  caseId?: CaseId;
  params?: HttpParams;
  rows: HttpRow[];
  /**
   * The goal: GenFlow's cache hits — answered with the bytes (201) and revalidated (304) — each
   * against the anchor the task names, a bare Express route serving the same bytes from memory.
   * `ratio` is the lower of the two.
   */
  cached?: {
    ratio: number | null;
    met: boolean | null;
    bytes: number | null;
    revalidated: number | null;
  };
  /**
   * Not a goal, for reading the host's fixed costs: GenFlow's 304 against a bare Express route that
   * answers the same 304 (no bytes at all, so nothing but per-request overhead is compared).
   */
  revalidatedVsBare304?: number | null;
}

const READY_TIMEOUT_MS = 180_000;
const COLD_WARMUP = 5;

const LABELS: Record<HttpMode, Record<HttpRow["target"], string>> = {
  cached: {
    bare: `bare Express, same bytes from memory (${GENERATE_STATUS})`,
    genflow: `GenFlow, render cache hit (${GENERATE_STATUS})`,
  },
  revalidated: {
    bare: "bare Express, If-None-Match (304)",
    genflow: "GenFlow, If-None-Match (304)",
  },
  cold: {
    bare: "bare Express (cold: n/a)",
    genflow: "GenFlow cold render over HTTP, 1 connection",
  },
};

interface Probe {
  etag: string;
}

/**
 * One request for the card must answer 201 with a PNG of its size and an ETag, and the same
 * request with that ETag 304. (For GenFlow the first one also puts the card in its cache.)
 */
async function probe(ready: HttpTargetReady, body: string): Promise<Probe> {
  const url = `http://127.0.0.1:${ready.port}${GENERATE_PATH}`;
  const headers = { ...ready.headers, "content-type": "application/json" };
  const first = await fetch(url, { method: GENERATE_METHOD, headers, body });
  const bytes = new Uint8Array(await first.arrayBuffer());
  if (first.status === 404)
    throw new Error(
      `${GENERATE_METHOD} ${GENERATE_PATH} answered 404: the REST route is not there yet`,
    );
  if (first.status !== GENERATE_STATUS) {
    const text = new TextDecoder().decode(bytes.subarray(0, 300));
    throw new Error(`${GENERATE_METHOD} ${GENERATE_PATH} answered ${first.status}: ${text}`);
  }
  const size = pngSize(bytes);
  if (!size || size.width !== CARD_SIZE.width || size.height !== CARD_SIZE.height)
    throw new Error(
      `${GENERATE_PATH} did not answer with a ${CARD_SIZE.width}×${CARD_SIZE.height} PNG`,
    );
  const etag = first.headers.get("etag");
  if (!etag) throw new Error(`${GENERATE_PATH} answered without an ETag`);
  // GenFlow says where the bytes came from: the load must be answered from its cache.
  const repeat = await fetch(url, { method: GENERATE_METHOD, headers, body });
  await repeat.arrayBuffer();
  if (repeat.status !== GENERATE_STATUS || repeat.headers.get(CACHED_HEADER) === "false")
    throw new Error(`${GENERATE_PATH} did not answer a repeated request from its cache`);
  const again = await fetch(url, {
    method: GENERATE_METHOD,
    headers: { ...headers, "if-none-match": etag },
    body,
  });
  await again.arrayBuffer();
  if (again.status !== 304)
    throw new Error(`${GENERATE_PATH} answered ${again.status} to If-None-Match with its own ETag`);
  return { etag };
}

async function load(
  ready: HttpTargetReady,
  body: string,
  headers: Record<string, string>,
  params: HttpParams,
  expected: number,
): Promise<Omit<HttpRow, "target" | "mode" | "label">> {
  const run = (duration: number) =>
    autocannon({
      url: `http://127.0.0.1:${ready.port}${GENERATE_PATH}`,
      method: GENERATE_METHOD,
      headers: { ...ready.headers, "content-type": "application/json", ...headers },
      body,
      connections: params.connections,
      duration,
    });
  const loadBefore = loadavg()[0] ?? 0;
  if (params.warmupSec > 0) await run(params.warmupSec);
  const result = await run(params.durationSec);
  const statusCodes: Record<string, number> = {};
  for (const [code, stats] of Object.entries(result.statusCodeStats))
    statusCodes[code] = stats.count;
  const ok = statusCodes[String(expected)] ?? 0;
  const answered = Object.values(statusCodes).reduce((sum, n) => sum + n, 0);
  return {
    requestsPerSec: result.requests.average,
    latencyP50Ms: result.latency.p50,
    latencyP90Ms: result.latency.p90,
    latencyP99Ms: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors + result.timeouts,
    unexpected: answered - ok,
    statusCodes,
    loadBefore,
  };
}

/** Cold renders over HTTP, one at a time, each for a card no cache has seen. */
async function cold(
  ready: HttpTargetReady,
  caseId: CaseId,
  fields: Record<string, unknown>,
  params: HttpParams,
): Promise<Omit<HttpRow, "target" | "mode" | "label">> {
  const url = `http://127.0.0.1:${ready.port}${GENERATE_PATH}`;
  const headers = { ...ready.headers, "content-type": "application/json" };
  const samples: number[] = [];
  const statusCodes: Record<string, number> = {};
  let errors = 0;
  let unexpected = 0;
  const loadBefore = loadavg()[0] ?? 0;
  let started = performance.now();
  for (let n = 0; n < COLD_WARMUP + params.coldRequests; n += 1) {
    const measured = n >= COLD_WARMUP;
    if (n === COLD_WARMUP) started = performance.now();
    const body = uniqueBody(CASES[caseId], fields, n);
    const t0 = performance.now();
    try {
      const response = await fetch(url, { method: GENERATE_METHOD, headers, body });
      await response.arrayBuffer();
      if (!measured) continue;
      const code = String(response.status);
      statusCodes[code] = (statusCodes[code] ?? 0) + 1;
      const rendered =
        response.status === GENERATE_STATUS && response.headers.get(CACHED_HEADER) !== "true";
      if (rendered) samples.push(performance.now() - t0);
      else unexpected += 1;
    } catch {
      if (measured) errors += 1;
    }
  }
  const latency = summarize(samples);
  const elapsedSec = (performance.now() - started) / 1000;
  return {
    requestsPerSec: samples.length / elapsedSec,
    latencyP50Ms: latency.p50Ms,
    latencyP90Ms: latency.p90Ms,
    latencyP99Ms: latency.p99Ms,
    requests: params.coldRequests,
    errors,
    unexpected,
    statusCodes,
    loadBefore,
  };
}

async function withTarget<T>(
  kind: HttpRow["target"],
  caseId: CaseId,
  use: (server: Server<HttpTargetReady>) => Promise<T>,
): Promise<T> {
  const server = await startServer<HttpTargetReady>(
    `${kind} HTTP target`,
    "http-target.ts",
    [kind, caseId],
    READY_TIMEOUT_MS,
  );
  try {
    return await use(server);
  } finally {
    await server.stop();
  }
}

/**
 * The anchor, then GenFlow, each in its own process, each verified before it is loaded. A failed
 * anchor is a failure of the run; GenFlow's route missing is reported as "not measured".
 */
export async function runHttp(caseId: CaseId, params: HttpParams): Promise<HttpReport> {
  const fields = caseFields(CASES[caseId]);
  const body = generateBody(CASES[caseId], fields);
  const rows: HttpRow[] = [];

  const measureCached = async (target: HttpRow["target"], server: Server<HttpTargetReady>) => {
    const { etag } = await probe(server.ready, body);
    for (const mode of ["cached", "revalidated"] as const) {
      const label = LABELS[mode][target];
      progress(`▸ HTTP: ${label}, ${params.connections} connections`);
      const headers: Record<string, string> =
        mode === "revalidated" ? { "if-none-match": etag } : {};
      const row = await load(
        server.ready,
        body,
        headers,
        params,
        mode === "cached" ? GENERATE_STATUS : 304,
      );
      rows.push({ target, mode, label, ...row });
      progress(`  ${Math.round(row.requestsPerSec)} req/s, p99 ${row.latencyP99Ms} ms`);
    }
  };

  await withTarget("bare", caseId, (server) => measureCached("bare", server));

  let reason: string | undefined;
  try {
    await withTarget("genflow", caseId, async (server) => {
      await measureCached("genflow", server);
      progress(`▸ HTTP: ${LABELS.cold.genflow}`);
      const row = await cold(server.ready, caseId, fields, params);
      rows.push({ target: "genflow", mode: "cold", label: LABELS.cold.genflow, ...row });
      progress(`  p50 ${row.latencyP50Ms.toFixed(1)} ms, p99 ${row.latencyP99Ms.toFixed(1)} ms`);
    });
  } catch (error) {
    reason = `GenFlow: ${error instanceof Error ? error.message : String(error)}`;
    progress(`  not measured: ${reason}`);
  }

  const ratioOf = (mode: HttpMode, anchorMode: HttpMode) => {
    const anchor = rows.find((r) => r.target === "bare" && r.mode === anchorMode);
    const ours = rows.find((r) => r.target === "genflow" && r.mode === mode);
    return anchor && ours && anchor.requestsPerSec > 0
      ? ours.requestsPerSec / anchor.requestsPerSec
      : null;
  };
  if (rows.some((r) => r.target === "genflow" && (r.statusCodes["429"] ?? 0) > 0)) {
    progress(
      "  GenFlow answered 429: the host's generate rate limit (RATE_LIMIT_GENERATE_PER_MINUTE) is on; the benchmark host must set it out of reach",
    );
  }
  const bytes = ratioOf("cached", "cached");
  const revalidated = ratioOf("revalidated", "cached");
  const ratio = bytes === null || revalidated === null ? null : Math.min(bytes, revalidated);
  const clean = rows
    .filter((r) => r.target === "genflow" && r.mode !== "cold")
    .every((r) => r.errors === 0 && r.unexpected === 0);
  return {
    status: reason ? "not-measured" : "measured",
    ...(reason ? { reason } : {}),
    caseId,
    params,
    rows,
    cached: {
      ratio,
      met: ratio === null ? null : ratio >= HTTP_GOAL && clean,
      bytes,
      revalidated,
    },
    revalidatedVsBare304: ratioOf("revalidated", "revalidated"),
  };
}
