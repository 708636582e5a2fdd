// Turns benchmark results into a console table, JSON, and the results section of docs/benchmarks.md.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { fileURLToPath } from "node:url";

import type { LoadParams, TargetResult } from "./measure";
import { replaceDocSection } from "./doc-section";

/** GenFlow should keep at least this share of bare tRPC's throughput. */
export const GOAL_RATIO = 0.7;

export const DOC_PATH = fileURLToPath(new URL("../../../docs/benchmarks.md", import.meta.url));
const START_MARKER = "<!-- bench:api results: start (written by `pnpm bench:api`) -->";
const END_MARKER = "<!-- bench:api results: end -->";

export interface Machine {
  cpus: number;
  cpuModel: string;
  node: string;
  platform: string;
}

export interface Report {
  date: string;
  machine: Machine;
  params: LoadParams & { rounds: number };
  /** 1-minute load average before the first target and after the last one. */
  load: { start: number; end: number };
  results: TargetResult[];
  ratios: {
    /** GenFlow req/s ÷ bare tRPC req/s. */
    genflowVsTrpc: number | null;
    /** bare tRPC req/s ÷ bare Express req/s. */
    trpcVsExpress: number | null;
    /** The same GenFlow ÷ tRPC ratio per CPU-second of the server, unaffected by other load. */
    genflowVsTrpcPerCpu: number | null;
  };
  goal: { ratio: number; met: boolean | null };
  /** Targets that failed to start, failed verification, or answered with errors. */
  failures: string[];
}

function cpuCount(): number {
  try {
    return Number(execFileSync("nproc", { encoding: "utf8" }).trim()) || availableParallelism();
  } catch {
    return availableParallelism();
  }
}

function cpuModel(): string {
  try {
    const line = readFileSync("/proc/cpuinfo", "utf8")
      .split("\n")
      .find((l) => l.startsWith("model name"));
    return line?.split(":")[1]?.trim() ?? "unknown";
  } catch {
    return "unknown";
  }
}

export function describeMachine(): Machine {
  return {
    cpus: cpuCount(),
    cpuModel: cpuModel(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

export function currentLoad(): number {
  return loadavg()[0] ?? 0;
}

function ratio(a: TargetResult | undefined, b: TargetResult | undefined): number | null {
  return a && b && b.requestsPerSec > 0 ? a.requestsPerSec / b.requestsPerSec : null;
}

export function buildReport(input: Omit<Report, "ratios" | "goal">): Report {
  const by = (kind: TargetResult["kind"]) => input.results.find((r) => r.kind === kind);
  const genflow = by("genflow");
  const trpc = by("trpc");
  const genflowVsTrpc = ratio(genflow, trpc);
  const perCpu =
    genflow?.requestsPerCpuSecond && trpc?.requestsPerCpuSecond
      ? genflow.requestsPerCpuSecond / trpc.requestsPerCpuSecond
      : null;
  return {
    ...input,
    ratios: {
      genflowVsTrpc,
      trpcVsExpress: ratio(trpc, by("express")),
      genflowVsTrpcPerCpu: perCpu,
    },
    goal: { ratio: GOAL_RATIO, met: genflowVsTrpc === null ? null : genflowVsTrpc >= GOAL_RATIO },
  };
}

const fixed = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const percent = (r: number | null) => (r === null ? "n/a" : `${(r * 100).toFixed(1)}%`);

const COLUMNS = [
  "Target",
  "Req/s (mean)",
  "p50 (ms)",
  "p99 (ms)",
  "Requests",
  "Errors",
  "Non-2xx",
  "Server CPU",
  "Req per CPU-s",
];

function rows(results: TargetResult[]): string[][] {
  return results.map((r) => [
    r.label,
    fixed(r.requestsPerSec),
    fixed(r.latencyP50Ms),
    fixed(r.latencyP99Ms),
    fixed(r.totalRequests),
    fixed(r.errors),
    fixed(r.non2xx),
    r.serverCpuPercent === null ? "n/a" : `${fixed(r.serverCpuPercent)}%`,
    r.requestsPerCpuSecond === null ? "n/a" : fixed(r.requestsPerCpuSecond),
  ]);
}

function loadLine(params: Report["params"]): string {
  const rounds =
    params.rounds > 1
      ? `; ${params.rounds} rounds in alternating order, each target's median round shown`
      : "";
  return `autocannon: ${params.connections} connections, ${params.warmupSec} s warm-up + ${params.durationSec} s measured per target${rounds}`;
}

function roundLines(results: TargetResult[]): string[] {
  return results
    .filter((r) => (r.roundsRequestsPerSec?.length ?? 0) > 1)
    .map(
      (r) =>
        `${r.label} req/s by round: ${(r.roundsRequestsPerSec ?? []).map((n) => fixed(n)).join(", ")}`,
    );
}

function goalLine(report: Report): string {
  const { goal, ratios } = report;
  if (goal.met === null)
    return `Goal: GenFlow ≥ ${percent(goal.ratio)} of bare tRPC: not measured in this run.`;
  return `Goal: GenFlow ≥ ${percent(goal.ratio)} of bare tRPC: ${goal.met ? "PASS" : "FAIL"} (${percent(ratios.genflowVsTrpc)}).`;
}

function ratioLines(report: Report): string[] {
  const { ratios } = report;
  return [
    `GenFlow / bare tRPC: ${percent(ratios.genflowVsTrpc)} (per server CPU-second: ${percent(ratios.genflowVsTrpcPerCpu)})`,
    `bare tRPC / bare Express: ${percent(ratios.trpcVsExpress)}`,
  ];
}

export function formatConsole(report: Report): string {
  const table = [COLUMNS, ...rows(report.results)];
  const widths = COLUMNS.map((_, i) => Math.max(...table.map((row) => (row[i] ?? "").length)));
  const line = (row: string[]) =>
    row
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join("  ");
  const { machine, params, load } = report;
  return [
    "",
    `${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}; load average ${load.start.toFixed(2)} → ${load.end.toFixed(2)}`,
    loadLine(params),
    "",
    line(table[0] ?? []),
    line(widths.map((w) => "-".repeat(w))),
    ...table.slice(1).map(line),
    "",
    ...roundLines(report.results),
    ...ratioLines(report),
    goalLine(report),
    ...report.failures.map((f) => `FAILED: ${f}`),
    "",
  ].join("\n");
}

/** A Markdown table laid out the way Prettier formats one, so the page stays format-clean. */
function markdownTable(header: string[], body: string[][]): string[] {
  const widths = header.map((_, i) =>
    Math.max(3, ...[header, ...body].map((row) => (row[i] ?? "").length)),
  );
  const cells = (row: string[]) =>
    `| ${row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join(" | ")} |`;
  const align = `| ${widths.map((w, i) => (i === 0 ? "-".repeat(w) : `${"-".repeat(w - 1)}:`)).join(" | ")} |`;
  return [cells(header), align, ...body.map(cells)];
}

export function formatMarkdown(report: Report): string {
  const { machine, params, load } = report;
  return [
    START_MARKER,
    "",
    `Latest full run: **${report.date}**`,
    "",
    `- Machine: ${machine.cpus} × ${machine.cpuModel} (\`nproc\` = ${machine.cpus}), ${machine.platform}, Node ${machine.node}`,
    `- Load average (1 min) before the first target: ${load.start.toFixed(2)}; after the last: ${load.end.toFixed(2)}`,
    `- ${loadLine(params)}; targets one after another, each in its own process`,
    "",
    ...markdownTable(COLUMNS, rows(report.results)),
    "",
    ...roundLines(report.results).map((l) => `- ${l}`),
    ...ratioLines(report).map((l) => `- ${l}`),
    `- **${goalLine(report)}**`,
    "",
    END_MARKER,
  ].join("\n");
}

/** Replaces the results section of docs/benchmarks.md (appending it when the markers are missing). */
export function updateDoc(report: Report, docPath = DOC_PATH): void {
  replaceDocSection(docPath, formatMarkdown(report), START_MARKER, END_MARKER);
}
