// `bench:api --layers`: what each layer of GenFlow's stack costs per request. GenFlow is measured
// as it is, rebuilt with every host layer (the reference for the rows below it), rebuilt without
// one host layer at a time, without all of them, and called without its API key. A layer's cost is
// the CPU time per request it adds: the reference's CPU µs per request minus the row's. The last row
// serves the bare tRPC anchor from inside a running GenFlow process: what the process itself costs
// every call, before any of GenFlow's layers run.
import { HOST_LAYERS, type HostLayer } from "./compose";
import type { LoadParams, TargetResult } from "./measure";
import type { TargetSpec } from "./session";

const LAYER_LABELS: Record<HostLayer, string> = {
  requestId: "request id",
  logging: "request logging",
  metrics: "HTTP metrics (prom-client)",
  securityHeaders: "API security headers",
  cors: "CORS",
};

/** The row each variant is compared with. */
const REFERENCE: Record<string, string> = {
  "genflow-rebuilt": "genflow",
  "genflow-no-host-layers": "genflow-rebuilt",
  "genflow-anonymous": "genflow",
  "trpc-inside-genflow": "trpc",
  ...Object.fromEntries(HOST_LAYERS.map((layer) => [`genflow-no-${layer}`, "genflow-rebuilt"])),
};

export function layerSpecs(): TargetSpec[] {
  return [
    { id: "trpc", kind: "trpc", label: "bare tRPC" },
    { id: "genflow", kind: "genflow", label: "GenFlow (real app)" },
    {
      id: "genflow-rebuilt",
      kind: "genflow",
      label: "GenFlow rebuilt, all layers",
      targetArgs: ["--without", "none"],
    },
    ...HOST_LAYERS.map((layer) => ({
      id: `genflow-no-${layer}`,
      kind: "genflow" as const,
      label: `  without ${LAYER_LABELS[layer]}`,
      targetArgs: ["--without", layer],
    })),
    {
      id: "genflow-no-host-layers",
      kind: "genflow",
      label: "  without all five host layers",
      targetArgs: ["--without", HOST_LAYERS.join(",")],
    },
    {
      id: "genflow-anonymous",
      kind: "genflow",
      label: "GenFlow without the API key",
      targetArgs: ["--anonymous"],
    },
    {
      id: "trpc-inside-genflow",
      kind: "genflow",
      label: "bare tRPC inside GenFlow's process",
      targetArgs: ["--anchor-inside"],
    },
  ];
}

const cpuMicros = (r: TargetResult | undefined) =>
  r?.requestsPerCpuSecond ? 1_000_000 / r.requestsPerCpuSecond : null;

export function formatLayers(results: TargetResult[], params: LoadParams): string {
  const specs = layerSpecs();
  const byId = new Map<string, TargetResult>();
  specs.forEach((spec) => {
    const result = results.find((r) => r.label === spec.label);
    if (result) byId.set(spec.id, result);
  });
  const header = ["Variant", "Req/s", "p50 (ms)", "p99 (ms)", "CPU µs/req", "Saves (µs/req)"];
  const rows = specs.flatMap((spec) => {
    const result = byId.get(spec.id);
    if (!result) return [];
    const own = cpuMicros(result);
    const reference = REFERENCE[spec.id];
    const base = reference ? cpuMicros(byId.get(reference)) : null;
    return [
      [
        spec.label,
        result.requestsPerSec.toFixed(0),
        result.latencyP50Ms.toFixed(0),
        result.latencyP99Ms.toFixed(0),
        own === null ? "n/a" : own.toFixed(0),
        own === null || base === null ? "" : (base - own).toFixed(0),
      ],
    ];
  });
  const table = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...table.map((row) => (row[i] ?? "").length)));
  const line = (row: string[]) =>
    row
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join("  ");
  return [
    "",
    `GenFlow layer costs: ${params.connections} connections, ${params.warmupSec} s warm-up + ${params.durationSec} s measured per variant`,
    "CPU µs/req is the target's CPU time per request; 'Saves' compares a row without something with",
    "the row it was taken from (the real app, or the rebuilt one for host layers).",
    "",
    line(header),
    line(widths.map((w) => "-".repeat(w))),
    ...rows.map(line),
    "",
  ].join("\n");
}
