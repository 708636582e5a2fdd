// What a benchmark target process tells the runner once it is ready to take load.

export const TARGET_KINDS = ["express", "trpc", "genflow"] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

export function isTargetKind(value: string): value is TargetKind {
  return (TARGET_KINDS as readonly string[]).includes(value);
}

/** Printed by the target as one JSON line on stdout, and nothing else is ever printed there. */
export interface TargetReady {
  kind: TargetKind;
  port: number;
  /** The path every benchmark request asks for. */
  path: string;
  /** Headers every benchmark request carries (the API key for GenFlow). */
  headers: Record<string, string>;
  /** The account the requests are authenticated as, when they are. */
  user?: { email: string };
  /** Deliberately unauthenticated (a layer-cost variant of GenFlow, never the benchmark itself). */
  anonymous?: boolean;
}

export const TARGET_LABELS: Record<TargetKind, string> = {
  express: "bare Express",
  trpc: "bare tRPC",
  genflow: "GenFlow (full stack)",
};
