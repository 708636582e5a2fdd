// The report as console tables and as the results section of docs/benchmarks.md.
import { replaceDocSection } from "../doc-section";
import { DOC_PATH } from "../report";
import { describeOptions } from "./floor";
import { LAG_RESOLUTION_MS } from "./measure";
import {
  FLOOR_GOAL,
  IMGLY_GOAL,
  LAG_GOAL_MS,
  RSS_EARLY_IMAGES,
  RSS_GROWTH_GOAL,
  type ContenderReport,
  type CutoutReport,
  type Goal,
  type VariantGoals,
} from "./report";

const START_MARKER = "<!-- bench:cutout results: start (written by `pnpm bench:cutout`) -->";
const END_MARKER = "<!-- bench:cutout results: end -->";

const fixed = (n: number | null | undefined, digits = 0) =>
  n !== null && n !== undefined && Number.isFinite(n)
    ? n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : "n/a";
const mib = (bytes: number | null | undefined) =>
  bytes === null || bytes === undefined ? "n/a" : fixed(bytes / 1024 / 1024);
const verdict = (goal: Goal) => (goal.met === null ? "not measured" : goal.met ? "PASS" : "FAIL");

const COLUMNS = [
  "Contender",
  "Mean (ms)",
  "p50 (ms)",
  "p95 (ms)",
  "CPU ms/image",
  "Peak RSS (MiB)",
  `RSS after ${RSS_EARLY_IMAGES} (MiB)`,
  "RSS after last (MiB)",
  "Loop lag p99 (ms)",
  "Loop lag max (ms)",
  "Errors",
  "PNG (KiB)",
];

function rows(contenders: ContenderReport[]): string[][] {
  return contenders
    .filter((c) => c.status === "measured")
    .map((c) => [
      c.label,
      fixed(c.latency?.meanMs),
      fixed(c.latency?.p50Ms),
      fixed(c.latency?.p95Ms),
      fixed(c.cpuMsPerImage),
      mib(c.peakRssBytes),
      mib(c.rssEarlyBytes),
      `${mib(c.rssEndBytes)} (${fixed(c.rssImages)} images)`,
      fixed(c.lag?.p99Ms, 1),
      fixed(c.lag?.maxMs),
      fixed(c.errors),
      c.id === "floor" ? "—" : fixed((c.meanOutputBytes ?? 0) / 1024),
    ]);
}

function notMeasuredLines(contenders: ContenderReport[]): string[] {
  return contenders
    .filter((c) => c.status !== "measured")
    .map(
      (c) => `${c.label}: ${c.status === "skipped" ? "skipped" : "FAILED"} (${c.reason ?? "—"})`,
    );
}

const VARIANT_NAMES: Record<VariantGoals["variant"], string> = {
  genflow: "GenFlow in process",
  http: "GenFlow over HTTP",
};

function goalLines(report: CutoutReport): string[] {
  const lines: string[] = [];
  for (const g of report.goals) {
    const name = VARIANT_NAMES[g.variant];
    const speedUp =
      g.fasterThanImgly.value === null
        ? ""
        : `; ${(1 / g.fasterThanImgly.value).toFixed(2)}× as fast`;
    lines.push(
      `Goal: ${name} ≥ ${1 / IMGLY_GOAL}× as fast as @imgly removeBackground() (median per image): ${verdict(g.fasterThanImgly)} ((a)/(b) = ${fixed(g.fasterThanImgly.value, 2)}${speedUp}).`,
      `Goal: ${name} within ${FLOOR_GOAL}× of bare session.run (median per image): ${verdict(g.nearFloor)} ((a)/(c) = ${fixed(g.nearFloor.value, 2)}).`,
      `Goal: event-loop lag of the ${g.variant === "http" ? "server" : "GenFlow"} process < ${LAG_GOAL_MS} ms p99 while inferences run: ${verdict(g.lag)} (p99 ${fixed(g.lag.value, 1)} ms).`,
    );
  }
  const rss = report.rssFlat;
  const growth =
    rss.value !== null
      ? ` (${mib(rss.earlyBytes)} MiB after ${RSS_EARLY_IMAGES} images, ${mib(rss.endBytes)} MiB after ${rss.images}: ${rss.value >= 0 ? "+" : ""}${(rss.value * 100).toFixed(1)}%)`
      : rss.images > 0
        ? ` (the run went through ${rss.images} images, not more than ${RSS_EARLY_IMAGES})`
        : " (GenFlow in process was not run)";
  lines.push(
    `Goal: GenFlow's RSS flat, after ${report.params.rssImages} images within ${RSS_GROWTH_GOAL * 100}% of after ${RSS_EARLY_IMAGES}: ${verdict(rss)}${growth}.`,
  );
  return lines;
}

/** Where GenFlow's time beyond the floor goes, from its own stage timings. */
function gapLines(report: CutoutReport): string[] {
  const genflow = report.contenders.find((c) => c.id === "genflow");
  const floor = report.contenders.find((c) => c.id === "floor");
  const a = genflow?.latency?.meanMs;
  const c = floor?.latency?.meanMs;
  if (a === undefined || c === undefined || !genflow?.stages) return [];
  const stages = genflow.stages;
  const parts = Object.entries(stages).map(([stage, ms]) =>
    stage === "inference thread"
      ? `inference thread beyond the floor's session.run ${fixed(ms - c)} ms`
      : `${stage} ${fixed(ms)} ms`,
  );
  return [
    `GenFlow in process − bare session.run: ${fixed(a - c)} ms per image (${parts.join("; ")})`,
  ];
}

function searchRows(report: CutoutReport): string[][] {
  return (report.floorSearch?.trials ?? []).map((t) => [
    describeOptions(t.options),
    fixed(t.medianMs),
    t.runsMs.map((ms) => fixed(ms)).join(", "),
  ]);
}
const SEARCH_COLUMNS = ["Session options", "Median (ms)", "Runs (ms)"];

/** Mean ms per stage: GenFlow's own timings, the server's Server-Timing, the floor's run. */
function stageRows(report: CutoutReport): string[][] {
  return report.contenders.flatMap((c) =>
    Object.entries(c.stages ?? {}).map(([stage, ms]) => [c.label, stage, fixed(ms)]),
  );
}
const STAGE_COLUMNS = ["Contender", "Stage", "Mean (ms)"];

function floorLine(report: CutoutReport): string {
  if (!report.floorOptions) return "not measured";
  const chosen = report.floorSearch
    ? ` (the fastest of ${report.floorSearch.trials.length}, ${report.params.searchRuns} runs each)`
    : " (given with --floor-options)";
  return `${describeOptions(report.floorOptions)}${chosen}`;
}

function headerLines(report: CutoutReport): string[] {
  const { machine, load, params } = report;
  return [
    `Machine: ${machine.cpus} × ${machine.cpuModel} (\`nproc\` = ${machine.cpus}), ${machine.platform}, Node ${machine.node}`,
    `Load average (1 min) before the first contender: ${load.start.toFixed(2)}; after the last: ${load.end.toFixed(2)}`,
    `${params.images} photos, ${report.photos.sizes}, upscaled from the GrabCut set; ${params.warmup} warm-up image${params.warmup === 1 ? "" : "s"} (discarded) then each photo once, one at a time, each contender in its own process, the floor and GenFlow (in process and over HTTP) image by image in turn; GenFlow in process then goes on through the photos again to ${params.rssImages} images for its RSS`,
    `GenFlow's engine: 1 worker thread, ${params.threads} intra-op threads; the floor: ${floorLine(report)}`,
    `Event-loop lag: perf_hooks.monitorEventLoopDelay at ${LAG_RESOLUTION_MS} ms resolution, the resolution taken off`,
  ];
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

export function formatConsole(report: CutoutReport): string {
  const search = searchRows(report);
  return [
    "",
    ...headerLines(report),
    "",
    ...consoleTable(COLUMNS, rows(report.contenders)),
    ...notMeasuredLines(report.contenders),
    "",
    ...(search.length > 0 ? [...consoleTable(SEARCH_COLUMNS, search), ""] : []),
    ...consoleTable(STAGE_COLUMNS, stageRows(report), 2),
    "",
    ...gapLines(report),
    ...goalLines(report),
    ...report.failures.map((f) => `FAILED: ${f}`),
    "",
  ].join("\n");
}

export function formatMarkdown(report: CutoutReport): string {
  const search = searchRows(report);
  return [
    START_MARKER,
    "",
    `Latest full run: **${report.date}**`,
    "",
    ...headerLines(report).map((l) => `- ${l}`),
    "",
    ...markdownTable(COLUMNS, rows(report.contenders)),
    "",
    ...notMeasuredLines(report.contenders).map((l) => `- ${l}`),
    ...(search.length > 0
      ? ["", "The floor's session options:", "", ...markdownTable(SEARCH_COLUMNS, search)]
      : []),
    "",
    "Mean time per stage:",
    "",
    ...markdownTable(STAGE_COLUMNS, stageRows(report), 2),
    "",
    ...gapLines(report).map((l) => `- ${l}`),
    ...goalLines(report).map((l) => `- **${l}**`),
    "",
    END_MARKER,
  ]
    .join("\n")
    .replace(/\n{3,}/g, "\n\n");
}

/** Replaces the results section of this benchmark (appending it when the markers are missing). */
export function updateDoc(report: CutoutReport, docPath = DOC_PATH): void {
  replaceDocSection(docPath, formatMarkdown(report), START_MARKER, END_MARKER);
}
