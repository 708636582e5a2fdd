// A GenFlow task worker, as apps/worker runs one, for the no-op kind only (started by
// run-contender.ts):
//   node --import tsx bench/tasks/genflow-worker.ts --database-url <url> --redis-url <url>
//     --key-prefix <prefix> --concurrency <n> --worker-id <name>
// Builds its own database client, Redis pub/sub and GenFlow's BullMQ runner, starts taking jobs,
// and reports the task ids its handler ran for when asked.
import { parseArgs } from "node:util";

import { createBullmqRunner } from "@genflow/core/tasks";

import { serveChild } from "./child-ipc";
import { buildGenflowHost } from "./genflow-host";
import { NOOP_KIND } from "./protocol";

serveChild(async () => {
  const { values } = parseArgs({
    options: {
      "database-url": { type: "string" },
      "redis-url": { type: "string" },
      "key-prefix": { type: "string" },
      concurrency: { type: "string" },
      "worker-id": { type: "string" },
    },
  });
  const databaseUrl = values["database-url"];
  const redisUrl = values["redis-url"];
  const keyPrefix = values["key-prefix"];
  const workerId = values["worker-id"] ?? `bench-worker-${process.pid}`;
  const concurrency = Number(values.concurrency ?? "8");
  if (!databaseUrl || !redisUrl || !keyPrefix) {
    throw new Error("--database-url, --redis-url and --key-prefix are required");
  }

  const host = await buildGenflowHost({
    databaseUrl,
    redis: { url: redisUrl, keyPrefix },
    concurrency,
    workerId,
  });
  const runner = createBullmqRunner(host.deps, {
    workerId,
    redisUrl,
    keyPrefix,
    kinds: [NOOP_KIND],
    concurrency: { [NOOP_KIND]: concurrency },
  });
  host.deps.tasks.queue = runner.queue;
  await runner.start();

  return {
    handle: (command) => {
      if (command.type !== "report") throw new Error(`a worker cannot ${command.type}`);
      return Promise.resolve({
        type: "report",
        invocations: [...host.invocations],
        completions: [],
      });
    },
    async close() {
      await runner.stop();
      await host.close();
    },
  };
});
