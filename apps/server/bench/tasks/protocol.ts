// What the benchmark's processes agree on: the contenders, and the messages the runner and its
// child processes (producer.ts, bare-worker.ts, genflow-worker.ts) exchange over Node's IPC
// channel.

export const CONTENDER_IDS = [
  "bare-1",
  "genflow-1",
  "bare-2",
  "genflow-2",
  "in-process",
  "record",
] as const;
export type ContenderId = (typeof CONTENDER_IDS)[number];

export function isContenderId(value: string): value is ContenderId {
  return (CONTENDER_IDS as readonly string[]).includes(value);
}

/**
 * How a contender's tasks travel: plain BullMQ jobs, GenFlow's BullMQ or in-process runner, or
 * no runner at all (`record`: only the rows and events a task leaves in Postgres, written by the
 * fewest statements that can write them).
 */
export type ContenderMode = "bare" | "genflow" | "in-process" | "record";

export interface ContenderSpec {
  id: ContenderId;
  label: string;
  mode: ContenderMode;
  /** Worker processes besides the producer (0: the producer runs the handlers itself). */
  workers: number;
}

export const CONTENDERS: Record<ContenderId, ContenderSpec> = {
  "bare-1": { id: "bare-1", label: "bare BullMQ, 1 worker", mode: "bare", workers: 1 },
  "bare-2": { id: "bare-2", label: "bare BullMQ, 2 workers", mode: "bare", workers: 2 },
  "genflow-1": {
    id: "genflow-1",
    label: "GenFlow BullMQ runner, 1 worker",
    mode: "genflow",
    workers: 1,
  },
  "genflow-2": {
    id: "genflow-2",
    label: "GenFlow BullMQ runner, 2 workers",
    mode: "genflow",
    workers: 2,
  },
  "in-process": {
    id: "in-process",
    label: "GenFlow in-process runner",
    mode: "in-process",
    workers: 0,
  },
  record: {
    id: "record",
    label: "task record alone (Postgres, no runner)",
    mode: "record",
    workers: 0,
  },
};

/** The bench-only task kind: its handler returns `{}` at once. */
export const NOOP_KIND = "bench.noop";

/** A finished bare BullMQ job, as its worker saw it (both times from `Date.now()`, in ms). */
export interface BareCompletion {
  id: string;
  /** When the producer added the job (BullMQ's `timestamp`). */
  timestamp: number;
  /** When the worker finished it (BullMQ's `finishedOn`). */
  finishedOn: number;
}

/** Runner → child. */
export type Command =
  /** Producer: enqueue `count` tasks (bare: one `addBulk`; GenFlow: one `createTask` each). */
  | { type: "produce"; phase: "warmup" | "measure"; count: number }
  /** Any child: send what the handlers (and, in bare workers, completions) recorded so far. */
  | { type: "report" }
  /** Any child: close everything and exit. */
  | { type: "stop" };

/** Child → runner. */
export type ChildMessage =
  | { type: "ready" }
  /** Bare workers: jobs completed so far (sent at most every few ms, when it changed). */
  | { type: "progress"; completed: number }
  /** Producer: the ids it enqueued, and when (Date.now()) it started and finished enqueueing. */
  | {
      type: "produced";
      phase: "warmup" | "measure";
      ids: string[];
      startedAt: number;
      endedAt: number;
    }
  /** The id of every handler invocation (repeats included), and bare completions. */
  | { type: "report"; invocations: string[]; completions: BareCompletion[] }
  | { type: "stopped" }
  | { type: "error"; message: string };
