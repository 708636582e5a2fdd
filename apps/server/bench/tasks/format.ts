// The report as a console table and as the results section of docs/benchmarks.md.
import { replaceDocSection } from "../doc-section";
import { DOC_PATH } from "../report";
import { CONTENDERS } from "./protocol";
import { OVERHEAD_GOAL, type Comparison, type ContenderSummary, type TasksReport } from "./report";

const START_MARKER = "<!-- bench:tasks results: start (written by `pnpm bench:tasks`) -->";
const END_MARKER = "<!-- bench:tasks results: end -->";

const fixed = (n: number | null, digits = 0) =>
  n !== null && Number.isFinite(n)
    ? n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : "n/a";
const verdict = (met: boolean | null) => (met === null ? "not measured" : met ? "PASS" : "FAIL");

const COLUMNS = [
  "Contender",
  "Tasks/s",
  "ms/task",
  "p50 (ms)",
  "p90 (ms)",
  "p99 (ms)",
  "Node CPU ms/task",
  "Postgres CPU ms/task",
  "Redis CPU ms/task",
  "PG xacts/task",
  "Lost",
  "Duplicated",
  "Not succeeded",
];

function rows(contenders: ContenderSummary[]): string[][] {
  return contenders.map((c) => [
    c.label,
    fixed(c.tasksPerSec),
    fixed(c.msPerTask, 2),
    fixed(c.latency.p50Ms, 0),
    fixed(c.latency.p90Ms, 0),
    fixed(c.latency.p99Ms, 0),
    fixed(c.cpuPerTask.node, 2),
    fixed(c.cpuPerTask.postgres, 2),
    fixed(c.cpuPerTask.redis, 2),
    c.pgTransactionsPerTask === null ? "–" : fixed(c.pgTransactionsPerTask, 1),
    fixed(c.lost),
    fixed(c.duplicated),
    fixed(c.failed),
  ]);
}

function runLine(report: TasksReport): string {
  const { params } = report;
  const rounds =
    params.rounds > 1
      ? `; ${params.rounds} rounds in alternating order, each contender's median round shown (latency over all rounds)`
      : "";
  return `${fixed(params.warmup)} warm-up + ${fixed(params.tasks)} measured tasks per contender; ${params.concurrency} jobs at once per worker process (bare and GenFlow alike); ${params.bareBulk ? "bare jobs added with one `addBulk` per batch" : `bare jobs added with \`Queue.add\`, ${params.creators} at a time`}; GenFlow tasks created with \`createTask\`, ${params.creators} at a time, owned by ${params.users === 1 ? "one user" : `${params.users} users in turn`}${rounds}`;
}

function detailLines(report: TasksReport): string[] {
  return report.contenders.flatMap((c) => {
    const lines = [
      `${c.label}: enqueueing took ${fixed(c.enqueueMsPerTask, 3)} ms per task` +
        (c.workers > 1 ? `; tasks per worker ${c.perWorker.map((n) => fixed(n)).join(" / ")}` : ""),
    ];
    if (c.roundsTasksPerSec.length > 1)
      lines.push(
        `${c.label} tasks/s by round: ${c.roundsTasksPerSec.map((n) => fixed(n)).join(", ")}`,
      );
    return lines;
  });
}

function comparisonLine(c: Comparison): string {
  const times = `${fixed(c.timeRatio, 2)}× the time per task`;
  const cpu =
    c.cpuRatio === null
      ? ""
      : `, ${fixed(c.cpuRatio, 2)}× the CPU per task (Node, Postgres and Redis)`;
  return `${CONTENDERS[c.genflow].label} vs ${CONTENDERS[c.bare].label}: ${times}${cpu}`;
}

/** The record alone against bare BullMQ, and the CPU the goal leaves a runner beyond both. */
function recordLines(report: TasksReport): string[] {
  const share = report.record;
  if (!share) return [];
  const bare = report.contenders.find((c) => c.contender === "bare-1");
  const record = report.contenders.find((c) => c.contender === "record");
  const runner = report.contenders.find((c) => c.contender === "genflow-1");
  const cpu =
    share.cpuRatio === null
      ? ""
      : `, ${fixed(share.cpuRatio, 2)}× the CPU per task (Node, Postgres and Redis)`;
  const lines = [
    `${CONTENDERS.record.label} vs ${CONTENDERS["bare-1"].label}: ${fixed(share.timeRatio, 2)}× the time per task${cpu}`,
  ];
  if (share.budgetCpuMs !== null && share.headroomCpuMs !== null && bare && record) {
    const used = runner?.cpuPerTask.total;
    lines.push(
      `Under ${OVERHEAD_GOAL}× bare BullMQ's time per task, a task may use at most ${fixed(share.budgetCpuMs, 2)} CPU ms ` +
        `(${report.machine.cpus} cores × ${OVERHEAD_GOAL} × ${fixed(bare.msPerTask, 2)} ms); ` +
        `bare BullMQ's own work (${fixed(bare.cpuPerTask.total, 2)}) and the task record's ` +
        `(${fixed(record.cpuPerTask.total, 2)}) leave ${fixed(share.headroomCpuMs, 2)} for everything else a runner does` +
        (used === null || used === undefined
          ? ""
          : `; GenFlow's BullMQ runner with 1 worker used ${fixed(used, 2)} in all`),
    );
  }
  return lines;
}

function goalLines(report: TasksReport): string[] {
  const { goals, comparisons } = report;
  const ratios = comparisons
    .filter((c) => c.timeRatio !== null)
    .map((c) => `${c.workers} worker${c.workers === 1 ? "" : "s"}: ${fixed(c.timeRatio, 2)}×`)
    .join("; ");
  const lossy = report.contenders.filter((c) => c.lost + c.duplicated + c.failed > 0);
  return [
    `Goal: GenFlow's BullMQ runner under ${OVERHEAD_GOAL}× bare BullMQ's time per task: ${verdict(goals.overhead)}${ratios ? ` (${ratios})` : ""}.`,
    `Goal: ${fixed(report.params.tasks)} queued tasks drained with none lost, duplicated or failed, every contender: ${verdict(goals.noneLost)}${lossy.length > 0 ? ` (${lossy.map((c) => c.label).join(", ")})` : ""}.`,
  ];
}

function serviceLine(report: TasksReport): string {
  const { postgres, redis } = report.services;
  return `Services: ${postgres ?? "no Postgres"}; ${redis ?? "no Redis"}`;
}

export function formatConsole(report: TasksReport): string {
  const table = [COLUMNS, ...rows(report.contenders)];
  const widths = COLUMNS.map((_, i) => Math.max(...table.map((row) => (row[i] ?? "").length)));
  const line = (row: string[]) =>
    row
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join("  ");
  const { machine, load } = report;
  return [
    "",
    `${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}; load average ${load.start.toFixed(2)} → ${load.end.toFixed(2)}`,
    serviceLine(report),
    runLine(report),
    "",
    line(table[0] ?? []),
    line(widths.map((w) => "-".repeat(w))),
    ...table.slice(1).map(line),
    "",
    ...detailLines(report),
    ...report.comparisons.map(comparisonLine),
    ...recordLines(report),
    ...goalLines(report),
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

export function formatMarkdown(report: TasksReport): string {
  const { machine, load } = report;
  return [
    START_MARKER,
    "",
    `Latest full run: **${report.date}**`,
    "",
    `- Machine: ${machine.cpus} × ${machine.cpuModel} (\`nproc\` = ${machine.cpus}), ${machine.platform}, Node ${machine.node}`,
    `- ${serviceLine(report)}`,
    `- Load average (1 min) before the first contender: ${load.start.toFixed(2)}; after the last: ${load.end.toFixed(2)}`,
    `- ${runLine(report)}`,
    "",
    ...markdownTable(COLUMNS, rows(report.contenders)),
    "",
    ...detailLines(report).map((l) => `- ${l}`),
    ...report.comparisons.map((c) => `- ${comparisonLine(c)}`),
    ...recordLines(report).map((l) => `- ${l}`),
    ...goalLines(report).map((l) => `- **${l}**`),
    "",
    END_MARKER,
  ].join("\n");
}

/** Replaces the results section of docs/benchmarks.md (appending it when the markers are missing). */
export function updateDoc(report: TasksReport, docPath = DOC_PATH): void {
  replaceDocSection(docPath, formatMarkdown(report), START_MARKER, END_MARKER);
}
