import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { fontsFor } from "../bench/generate/assets";
import type { ContenderRun } from "../bench/generate/protocol";
import { formatMarkdown, updateDoc } from "../bench/generate/format";
import {
  buildCaseReports,
  buildGoals,
  buildScaling,
  overall,
  type GenerateReport,
} from "../bench/generate/report";
import { percentile, pngSize, summarize } from "../bench/generate/stats";
import { svgFontSizes } from "../bench/generate/verify";

/** The pure parts of `pnpm bench:generate`: statistics, checks, font choice and the report. */

function run(partial: Partial<ContenderRun> & Pick<ContenderRun, "contender">): ContenderRun {
  return {
    caseId: "cover-latin",
    concurrency: 1,
    samplesMs: [10, 10, 10, 10],
    attempts: 4,
    errors: 0,
    errorMessages: [],
    elapsedMs: 40,
    cpuMs: 40,
    pngBytes: 1000,
    prepareMs: 1,
    firstRenderMs: 1,
    details: {},
    ...partial,
  };
}

function png(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array(33);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
  bytes.set(
    Array.from("IHDR", (c) => c.charCodeAt(0)),
    12,
  );
  const view = new DataView(bytes.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  return bytes;
}

describe("latency statistics", () => {
  it("interpolates percentiles between the nearest ranks", () => {
    const sorted = [1, 2, 3, 4, 5];
    expect(percentile(sorted, 0)).toBe(1);
    expect(percentile(sorted, 50)).toBe(3);
    expect(percentile(sorted, 90)).toBeCloseTo(4.6);
    expect(percentile(sorted, 100)).toBe(5);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it("summarises unsorted samples", () => {
    const summary = summarize([30, 10, 20, 40]);
    expect(summary).toMatchObject({ count: 4, meanMs: 25, minMs: 10, maxMs: 40, p50Ms: 25 });
    expect(summary.p99Ms).toBeCloseTo(39.7);
  });
});

describe("render checks", () => {
  it("reads a PNG's size from its header and rejects anything else", () => {
    expect(pngSize(png(1200, 630))).toEqual({ width: 1200, height: 630 });
    expect(pngSize(new TextEncoder().encode("<svg xmlns='http://www.w3.org/2000/svg'/>"))).toBe(
      undefined,
    );
    expect(pngSize(png(1, 1).subarray(0, 20))).toBe(undefined);
  });

  it("reads the text sizes of the engine's SVG from its scaled line groups", () => {
    const svg =
      '<g transform="translate(54 256.11) scale(0.071)"/><g transform="translate(54 336) scale(0.071)"/>' +
      '<g transform="translate(54 400.87) scale(0.026)"/><path transform="translate(1 2) scale(1.16)"/>';
    expect(svgFontSizes(svg)).toEqual([26, 71]);
  });
});

describe("satori's fonts", () => {
  it("chooses the Latin subset for Latin text, at each weight it is set in", () => {
    const selection = fontsFor([
      { text: "Rendering share cards", weight: 700 },
      { text: "Ada Lovelace", weight: 400 },
    ]);
    expect(selection.files).toEqual([
      "noto-sans-latin-400-normal.woff",
      "noto-sans-latin-700-normal.woff",
    ]);
    expect(selection.fontFamily).toBe("noto-sans-latin");
  });

  it("adds the Chinese subsets that cover the text, and none for emoji", () => {
    const selection = fontsFor([{ text: "GenFlow 博客 ✨🚀", weight: 700 }]);
    expect(selection.files[0]).toBe("noto-sans-latin-700-normal.woff");
    expect(
      selection.files.slice(1).every((f) => /^noto-sans-sc-\d+-700-normal\.woff$/.test(f)),
    ).toBe(true);
    // One subset per character at most: 博 and 客 (the space is Latin).
    expect(selection.files.length).toBeGreaterThanOrEqual(2);
    expect(selection.files.length).toBeLessThanOrEqual(3);
    expect(selection.fontFamily.split(", ")[0]).toBe("noto-sans-latin");
  });
});

describe("the report", () => {
  it("compares median latencies and judges the goals per card", () => {
    const runs = [
      run({ contender: "genflow", samplesMs: [10, 10, 10] }),
      run({ contender: "satori", samplesMs: [25, 25, 25] }),
      run({ contender: "resvg", samplesMs: [12, 12, 12] }),
      run({ contender: "genflow", caseId: "quote-cjk", samplesMs: [20, 20, 20] }),
      run({ contender: "satori", caseId: "quote-cjk", samplesMs: [30, 30, 30] }),
    ];
    const [latin, cjk] = buildCaseReports(["cover-latin", "quote-cjk"], runs);
    expect(latin?.ratios.genflowVsSatori).toBeCloseTo(0.4);
    expect(latin?.goals.fasterThanSatori.met).toBe(true);
    expect(latin?.goals.noSlowerThanFloor.met).toBe(true);
    expect(cjk?.goals.fasterThanSatori.met).toBe(false);
    expect(cjk?.goals.noSlowerThanFloor).toEqual({ ratio: null, met: null });

    const goals = buildGoals(
      [latin, cjk].filter((c) => c !== undefined),
      {
        status: "not-measured",
        rows: [],
      },
    );
    expect(goals.fasterThanSatori).toEqual({ latin: true, cjk: false });
    expect(goals.noSlowerThanFloor).toBe(true);
    expect(goals.httpCached).toBe(null);
  });

  it("counts failed renders into the error rate", () => {
    const [report] = buildCaseReports(
      ["cover-latin"],
      [
        run({ contender: "genflow", attempts: 10, errors: 1, samplesMs: Array(9).fill(5) }),
        run({ contender: "genflow", attempts: 10, errors: 0, samplesMs: Array(10).fill(5) }),
      ],
    );
    const genflow = report?.contenders[0];
    expect(genflow?.errors).toBe(1);
    expect(genflow?.errorRate).toBeCloseTo(0.05);
    expect(genflow?.latency.count).toBe(19);
  });

  it("passes a goal only when every measured card meets it", () => {
    expect(overall([])).toBe(null);
    expect(overall([{ met: null, ratio: null }])).toBe(null);
    expect(
      overall([
        { met: true, ratio: 0.4 },
        { met: null, ratio: null },
      ]),
    ).toBe(true);
    expect(
      overall([
        { met: true, ratio: 0.4 },
        { met: false, ratio: 0.6 },
      ]),
    ).toBe(false);
  });

  it("reports the worker pool's throughput per thread count and the speed-up", () => {
    const [scaling] = buildScaling(
      ["cover-latin"],
      [
        run({ contender: "genflow", threads: 2, samplesMs: Array(40).fill(50), elapsedMs: 1000 }),
        run({ contender: "genflow", threads: 1, samplesMs: Array(25).fill(40), elapsedMs: 1000 }),
      ],
    );
    expect(scaling?.rows.map((r) => [r.threads, r.rendersPerSec])).toEqual([
      [1, 25],
      [2, 40],
    ]);
    expect(scaling?.speedup).toBeCloseTo(1.6);
  });

  it("replaces only its own section of the benchmarks page", () => {
    const report: GenerateReport = {
      date: "2026-12-02T00:00:00Z",
      machine: { cpus: 2, cpuModel: "Test CPU", node: "v20", platform: "linux x64" },
      params: { iterations: 10, warmup: 1, rounds: 1, threads: [1, 2] },
      load: { start: 0.1, end: 1.5 },
      fontSet: "fonts@1",
      genflowRenderer: "the pool",
      cases: buildCaseReports(
        ["cover-latin"],
        [run({ contender: "genflow" }), run({ contender: "satori", samplesMs: [30, 30] })],
      ),
      scaling: [],
      http: { status: "not-measured", reason: "no route", rows: [] },
      goals: {
        fasterThanSatori: { latin: true, cjk: null },
        noSlowerThanFloor: null,
        httpCached: null,
      },
      notes: [],
      failures: [],
    };
    const doc = path.join(mkdtempSync(path.join(tmpdir(), "bench-generate-")), "benchmarks.md");
    writeFileSync(doc, "# Benchmarks\n\n## API\n\nkept\n");
    updateDoc(report, doc);
    updateDoc({ ...report, date: "2026-12-03T00:00:00Z" }, doc);
    const text = readFileSync(doc, "utf8");
    expect(text.startsWith("# Benchmarks\n\n## API\n\nkept\n\n<!-- bench:generate")).toBe(true);
    expect(text).toContain("2026-12-03T00:00:00Z");
    expect(text).not.toContain("2026-12-02T00:00:00Z");
    expect(text.match(/bench:generate results: start/g)).toHaveLength(1);
    expect(formatMarkdown(report)).toContain("| Article cover, Latin | (a) GenFlow cold render");
  });
});
