// The report as a console table and as the results section of docs/benchmarks.md.

import { DOC_PATH } from "../report";
import type { HttpReport } from "./http";
import {
  HTTP_GOAL,
  SATORI_GOAL,
  type CaseReport,
  type GenerateReport,
  type ScalingReport,
} from "./report";
import type { RenderParams } from "./session";
import { replaceDocSection } from "../doc-section";

/** "2×": how many times as fast as satori + resvg GenFlow has to be. */
const SPEED = `${1 / SATORI_GOAL}×`;
const HTTP_SHARE = `${HTTP_GOAL * 100}%`;

const START_MARKER = "<!-- bench:generate results: start (written by `pnpm bench:generate`) -->";
const END_MARKER = "<!-- bench:generate results: end -->";

const fixed = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : "n/a";
const ratioText = (r: number | null) => (r === null ? "n/a" : r.toFixed(2));
const verdict = (met: boolean | null) => (met === null ? "not measured" : met ? "PASS" : "FAIL");

const CASE_COLUMNS = [
  "Case",
  "Contender",
  "p50 (ms)",
  "p90 (ms)",
  "p99 (ms)",
  "Renders/s",
  "CPU ms/render",
  "Errors",
  "PNG (KiB)",
];

function caseRows(cases: CaseReport[]): string[][] {
  return cases.flatMap((c) =>
    c.contenders.map((s) => [
      c.label,
      s.label,
      fixed(s.latency.p50Ms, 1),
      fixed(s.latency.p90Ms, 1),
      fixed(s.latency.p99Ms, 1),
      fixed(s.rendersPerSec, 1),
      fixed(s.cpuMsPerRender, 1),
      `${fixed(s.errors)} (${(s.errorRate * 100).toFixed(1)}%)`,
      fixed(s.pngBytes / 1024, 1),
    ]),
  );
}

const RATIO_COLUMNS = [
  "Case",
  "(a)/(b) p50",
  "(a)/(c) p50",
  `(a) ≥ ${SPEED} as fast as (b)`,
  "(a) ≤ (c)",
];

function ratioRows(cases: CaseReport[]): string[][] {
  return cases.map((c) => [
    c.label,
    ratioText(c.ratios.genflowVsSatori),
    ratioText(c.ratios.genflowVsFloor),
    verdict(c.goals.fasterThanSatori.met),
    verdict(c.goals.noSlowerThanFloor.met),
  ]);
}

function scalingColumns(scaling: ScalingReport[]): string[] {
  const threads = [...new Set(scaling.flatMap((s) => s.rows.map((r) => r.threads)))].sort(
    (a, b) => a - b,
  );
  return [
    "Case",
    ...threads.map((t) => `${t} thread${t === 1 ? "" : "s"} (renders/s)`),
    "Speed-up",
    "Errors",
  ];
}

function scalingRows(scaling: ScalingReport[]): string[][] {
  const threads = [...new Set(scaling.flatMap((s) => s.rows.map((r) => r.threads)))].sort(
    (a, b) => a - b,
  );
  return scaling.map((s) => [
    s.label,
    ...threads.map((t) => {
      const row = s.rows.find((r) => r.threads === t);
      return row ? fixed(row.rendersPerSec, 1) : "n/a";
    }),
    s.speedup === null ? "n/a" : `${s.speedup.toFixed(2)}×`,
    fixed(s.rows.reduce((sum, r) => sum + r.errors, 0)),
  ]);
}

/** " (what: Article cover, Latin 0.55×; Quote, Latin 0.76×)", or "" when none was measured. */
function perCase(
  what: string,
  cases: CaseReport[],
  value: (c: CaseReport) => number | null,
): string {
  const parts = cases.flatMap((c) => {
    const v = value(c);
    return v === null ? [] : [`${c.label} ${v.toFixed(2)}×`];
  });
  return parts.length > 0 ? ` (${what}: ${parts.join("; ")})` : "";
}

function goalLines(report: GenerateReport): string[] {
  const { cases, goals } = report;
  const lines: string[] = [];
  for (const script of ["latin", "cjk"] as const) {
    const mine = cases.filter((c) => c.script === script);
    if (mine.length === 0) continue;
    const speedUp = perCase("speed-up", mine, (c) =>
      c.ratios.genflowVsSatori === null ? null : 1 / c.ratios.genflowVsSatori,
    );
    lines.push(
      `Goal: GenFlow cold render ≥ ${SPEED} as fast as satori + resvg (p50), ${script === "latin" ? "Latin" : "CJK"} cards: ${verdict(goals.fasterThanSatori[script])}${speedUp}.`,
    );
  }
  const floor = perCase("time relative to (c)", cases, (c) => c.ratios.genflowVsFloor);
  lines.push(
    `Goal: GenFlow cold render no slower than resvg on GenFlow's SVG (p50): ${verdict(goals.noSlowerThanFloor)}${floor}.`,
  );
  lines.push(httpGoalLine(report.http));
  return lines;
}

const percent = (r: number | null | undefined) =>
  r === null || r === undefined ? "n/a" : `${(r * 100).toFixed(1)}%`;

function httpGoalLine(http: HttpReport): string {
  const goal = `Goal: cache hits over HTTP (201 with the bytes, and 304) ≥ ${HTTP_SHARE} of the req/s of a bare Express route serving the same bytes from memory, with no errors`;
  if (http.status !== "measured" || !http.cached)
    return `${goal}: not measured (${http.reason ?? "no GenFlow result"}).`;
  const { met, bytes, revalidated } = http.cached;
  return `${goal}: ${verdict(met)} (201: ${percent(bytes)}; 304: ${percent(revalidated)}). Not a goal: GenFlow's 304 is ${percent(http.revalidatedVsBare304)} of a bare Express route answering 304.`;
}

function rendererLine(report: GenerateReport): string {
  return `GenFlow's renderer: ${report.genflowRenderer ?? "not measured"}`;
}

function paramsLine(params: RenderParams): string {
  const rounds =
    params.rounds > 1
      ? `; ${params.rounds} rounds in alternating order (latency over all rounds, renders/s of the median round)`
      : "";
  return `${params.warmup} warm-up + ${params.iterations} measured renders per contender and card, one at a time, each contender in its own process${rounds}`;
}

function scalingLine(params: RenderParams): string {
  return `Worker pool: ${params.warmup} warm-up renders per thread + ${params.iterations} measured, 2 renders in flight per thread`;
}

function consoleTable(header: string[], body: string[][], textColumns = 1): string[] {
  const table = [header, ...body];
  const widths = header.map((_, i) => Math.max(...table.map((row) => (row[i] ?? "").length)));
  const line = (row: string[]) =>
    row
      .map((cell, i) =>
        i < textColumns ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0),
      )
      .join("  ");
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...body.map(line)];
}

export function formatConsole(report: GenerateReport): string {
  const { machine, load } = report;
  const scaling = report.scaling.length > 0;
  return [
    "",
    `${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}; load average ${load.start.toFixed(2)} → ${load.end.toFixed(2)}`,
    paramsLine(report.params),
    rendererLine(report),
    `Font set: ${report.fontSet ?? "unknown"}`,
    "",
    ...consoleTable(CASE_COLUMNS, caseRows(report.cases), 2),
    "",
    ...consoleTable(RATIO_COLUMNS, ratioRows(report.cases)),
    "",
    ...(scaling
      ? [
          scalingLine(report.params),
          ...consoleTable(scalingColumns(report.scaling), scalingRows(report.scaling)),
          "",
        ]
      : []),
    ...httpLines(report.http),
    ...goalLines(report),
    ...report.notes.map((n) => `NOTE: ${n}`),
    ...report.failures.map((f) => `FAILED: ${f}`),
    "",
  ].join("\n");
}

const statusList = (codes: Record<string, number>) =>
  Object.entries(codes)
    .map(([code, n]) => `${code} × ${fixed(n)}`)
    .join(", ") || "none";

function httpLines(http: HttpReport): string[] {
  const rows = http.rows.map(
    (r) =>
      `HTTP, ${r.label}: ${fixed(r.requestsPerSec)} req/s, p50 ${fixed(r.latencyP50Ms, 1)} ms, p90 ${fixed(r.latencyP90Ms, 1)} ms, p99 ${fixed(r.latencyP99Ms, 1)} ms, ${fixed(r.requests)} requests, ${r.errors} errors, ${r.unexpected} unexpected (statuses: ${statusList(r.statusCodes)})`,
  );
  const status = http.status === "measured" ? [] : [`HTTP: not measured (${http.reason ?? "—"})`];
  return [...rows, ...status, ""];
}

/** A Markdown table laid out the way Prettier formats one, so the page stays format-clean. */
function markdownTable(header: string[], body: string[][], textColumns = 1): string[] {
  const widths = header.map((_, i) =>
    Math.max(3, ...[header, ...body].map((row) => (row[i] ?? "").length)),
  );
  const cells = (row: string[]) =>
    `| ${row.map((cell, i) => (i < textColumns ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join(" | ")} |`;
  const align = `| ${widths.map((w, i) => (i < textColumns ? "-".repeat(w) : `${"-".repeat(w - 1)}:`)).join(" | ")} |`;
  return [cells(header), align, ...body.map(cells)];
}

export function formatMarkdown(report: GenerateReport): string {
  const { machine, load } = report;
  return [
    START_MARKER,
    "",
    `Latest full run: **${report.date}**`,
    "",
    `- Machine: ${machine.cpus} × ${machine.cpuModel} (\`nproc\` = ${machine.cpus}), ${machine.platform}, Node ${machine.node}`,
    `- Load average (1 min) before the first contender: ${load.start.toFixed(2)}; after the last: ${load.end.toFixed(2)}`,
    `- ${paramsLine(report.params)}`,
    `- ${rendererLine(report)}`,
    `- Font set: \`${report.fontSet ?? "unknown"}\``,
    "",
    ...markdownTable(CASE_COLUMNS, caseRows(report.cases), 2),
    "",
    ...markdownTable(RATIO_COLUMNS, ratioRows(report.cases)),
    "",
    ...(report.scaling.length > 0
      ? [
          `${scalingLine(report.params)}:`,
          "",
          ...markdownTable(scalingColumns(report.scaling), scalingRows(report.scaling)),
          "",
        ]
      : []),
    ...httpLines(report.http)
      .filter(Boolean)
      .map((l) => `- ${l}`),
    ...goalLines(report).map((l) => `- **${l}**`),
    ...report.notes.map((n) => `- Note: ${n}`),
    "",
    END_MARKER,
  ].join("\n");
}

/** Replaces the results section of this benchmark (appending it when the markers are missing). */
export function updateDoc(report: GenerateReport, docPath = DOC_PATH): void {
  replaceDocSection(docPath, formatMarkdown(report), START_MARKER, END_MARKER);
}
