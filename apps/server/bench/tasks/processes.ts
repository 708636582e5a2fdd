// The processes of one contender run: a producer, and the worker processes (none for the
// in-process runner, whose producer runs the handlers), each with what it needs on its command
// line. Each run works under a Redis prefix of its own, so no job of one run reaches another.
import path from "node:path";

import { startChild, type Child } from "./child";
import { CONTENDERS, type ContenderId } from "./protocol";

const READY_TIMEOUT_MS = 60_000;

export interface ProcessParams {
  /** Handlers (jobs) run at once per worker process, bare and GenFlow alike. */
  concurrency: number;
  /** Enqueue calls in flight at once in a producer: `createTask` (GenFlow) or `Queue.add` (bare). */
  creators: number;
  /** Bare BullMQ gets each batch in one `addBulk` call instead of one `add` per job. */
  bareBulk: boolean;
}

export interface ProcessServices {
  /** URL of the throwaway database (GenFlow contenders). */
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  /** The Redis key prefix of this contender run. */
  keyPrefix: string;
  /** The owners of the GenFlow tasks (created by the caller). */
  userIds: string[];
  /** Write V8 CPU profiles of every process into a folder per process in this folder. */
  cpuProfileDir: string | undefined;
}

export interface Processes {
  producer: Child;
  workers: Child[];
}

export async function startProcesses(
  contender: ContenderId,
  round: number,
  params: ProcessParams,
  services: ProcessServices,
): Promise<Processes> {
  const spec = CONTENDERS[contender];
  const prefix = services.keyPrefix;
  const started: Child[] = [];
  const start = async (role: string, script: string, args: string[]) => {
    const profileDir = services.cpuProfileDir
      ? path.join(services.cpuProfileDir, `${contender}-r${round}-${role}`)
      : undefined;
    const child = await startChild(`${spec.label}: ${role}`, script, args, READY_TIMEOUT_MS, {
      cpuProfileDir: profileDir,
    });
    started.push(child);
    return child;
  };
  const workerRoles = Array.from({ length: spec.workers }, (_, i) => `worker-${i + 1}`);
  const concurrency = ["--concurrency", String(params.concurrency)];

  try {
    if (spec.mode === "bare") {
      if (!services.redisUrl) throw new Error(`${spec.label} needs Redis`);
      const queue = [
        "--redis-url",
        services.redisUrl,
        "--prefix",
        `${prefix}bare`,
        "--queue",
        "noop",
      ];
      const workers = await Promise.all(
        workerRoles.map((role) => start(role, "bare-worker.ts", [...queue, ...concurrency])),
      );
      const producer = await start("producer", "producer.ts", [
        "--mode",
        "bare",
        ...queue,
        ...(params.bareBulk ? ["--bulk"] : ["--creators", String(params.creators)]),
      ]);
      return { producer, workers };
    }

    if (!services.databaseUrl) throw new Error(`${spec.label} needs Postgres`);
    const database = ["--database-url", services.databaseUrl];
    let redis: string[] = [];
    if (spec.mode === "genflow") {
      if (!services.redisUrl) throw new Error(`${spec.label} needs Redis`);
      redis = ["--redis-url", services.redisUrl, "--key-prefix", prefix];
    }
    const workers = await Promise.all(
      workerRoles.map((role) =>
        start(role, "genflow-worker.ts", [
          ...database,
          ...redis,
          ...concurrency,
          "--worker-id",
          `bench-${contender}-r${round}-${role}`,
        ]),
      ),
    );
    const producer = await start("producer", "producer.ts", [
      "--mode",
      spec.mode,
      ...database,
      ...redis,
      ...concurrency,
      "--users",
      services.userIds.join(","),
      "--creators",
      String(params.creators),
    ]);
    return { producer, workers };
  } catch (error) {
    await Promise.allSettled(started.map((child) => child.kill()));
    throw error;
  }
}

/** Stops every process of the run (each closes its connections first). */
export async function stopProcesses(processes: Processes): Promise<void> {
  await Promise.allSettled([processes.producer, ...processes.workers].map((child) => child.stop()));
}
