// The report of `pnpm bench:articles` as a console table and as its section of docs/benchmarks.md.
import { replaceDocSection } from "../doc-section";
import type { Machine } from "../report";

const START_MARKER = "<!-- bench:articles results: start (written by `pnpm bench:articles`) -->";
const END_MARKER = "<!-- bench:articles results: end -->";

/** Search over 100,000 articles answers within this, p95, on Postgres. */
export const SEARCH_P95_GOAL_MS = 50;

interface Latency {
  p50: number;
  p95: number;
  n: number;
}

export interface KindReport {
  kind: "one-word" | "multi-word" | "chinese";
  queries: number;
  examples: string[];
  meanHits: number;
  genflow: Latency;
  ilike: Latency;
}

export interface TargetReport {
  target: "postgres" | "pglite";
  seedMs: number;
  kinds: KindReport[];
  writes: {
    writers: number;
    seconds: number;
    create: Latency;
    update: Latency;
    conflicts: number;
    opsPerSecond: number;
  };
}

export interface ArticlesReport {
  date: string;
  machine: Machine;
  loadBefore: number;
  articles: number;
  rounds: number;
  targets: TargetReport[];
}

const ms = (n: number) =>
  Number.isFinite(n) ? n.toLocaleString("en-US", { maximumFractionDigits: n < 10 ? 1 : 0 }) : "n/a";

const LABEL = { postgres: "Postgres", pglite: "PGlite" } as const;

function searchRows(report: ArticlesReport): string[][] {
  return report.targets.flatMap((t) =>
    t.kinds.map((k) => [
      LABEL[t.target],
      k.kind,
      `${k.queries} × ${report.rounds}`,
      ms(k.genflow.p50),
      ms(k.genflow.p95),
      ms(k.ilike.p50),
      ms(k.ilike.p95),
      `${(k.ilike.p95 / k.genflow.p95).toFixed(1)}×`,
      k.meanHits.toFixed(1),
    ]),
  );
}

const SEARCH_HEAD = [
  "Database",
  "Queries",
  "Runs",
  "GenFlow p50 (ms)",
  "GenFlow p95 (ms)",
  "ILIKE p50 (ms)",
  "ILIKE p95 (ms)",
  "ILIKE / GenFlow (p95)",
  "Hits per page",
];

function writeRows(report: ArticlesReport): string[][] {
  return report.targets.map((t) => [
    LABEL[t.target],
    `${t.writes.writers}`,
    ms(t.writes.create.p50),
    ms(t.writes.create.p95),
    ms(t.writes.update.p50),
    ms(t.writes.update.p95),
    ms(t.writes.opsPerSecond),
    `${t.writes.conflicts}`,
    `${(t.seedMs / 1000).toFixed(0)} s`,
  ]);
}

const WRITE_HEAD = [
  "Database",
  "Writers",
  "Create p50 (ms)",
  "Create p95 (ms)",
  "Update p50 (ms)",
  "Update p95 (ms)",
  "Writes/s",
  "Conflicts",
  "Corpus load",
];

function goalLines(report: ArticlesReport): string[] {
  const postgres = report.targets.find((t) => t.target === "postgres");
  if (!postgres) return ["Goal: search p95 under 50 ms on Postgres: not measured (no Postgres)."];
  return postgres.kinds.map(
    (k) =>
      `Goal: ${k.kind} search p95 under ${SEARCH_P95_GOAL_MS} ms on Postgres: ${k.genflow.p95 < SEARCH_P95_GOAL_MS ? "PASS" : "FAIL"} (${ms(k.genflow.p95)} ms).`,
  );
}

function table(head: string[], rows: string[][], markdown: boolean): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    markdown
      ? `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ")} |`
      : cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ");
  const rule = markdown
    ? `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`
    : widths.map((w) => "-".repeat(w)).join("  ");
  return [line(head), rule, ...rows.map(line)].join("\n");
}

function runLine(report: ArticlesReport): string {
  const m = report.machine;
  return `${report.date}: ${m.cpus} × ${m.cpuModel}, ${m.platform}, Node ${m.node}; load average ${report.loadBefore.toFixed(2)} before the run; ${report.articles.toLocaleString("en-US")} articles (60% English, 25% Chinese, 15% mixed; 90% published) by 50 authors, searched by a 51st user (so every hit is another author's published text).`;
}

export function formatConsole(report: ArticlesReport): string {
  return [
    runLine(report),
    "",
    table(SEARCH_HEAD, searchRows(report), false),
    "",
    table(WRITE_HEAD, writeRows(report), false),
    "",
    ...goalLines(report),
  ].join("\n");
}

export function updateDoc(report: ArticlesReport, docPath: string): void {
  const examples = report.targets[0]?.kinds
    .map((k) => `${k.kind}: ${k.examples.map((e) => `\`${e}\``).join(", ")}`)
    .join("; ");
  const section = [
    START_MARKER,
    "",
    runLine(report),
    "",
    `Example queries — ${examples ?? ""}.`,
    "",
    table(SEARCH_HEAD, searchRows(report), true),
    "",
    table(WRITE_HEAD, writeRows(report), true),
    "",
    ...goalLines(report).map((line) => `- **${line}**`),
    "",
    END_MARKER,
  ].join("\n");
  replaceDocSection(docPath, section, START_MARKER, END_MARKER);
}
