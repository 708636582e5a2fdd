// GenFlow's real host for the HTTP contender, in its own process:
//   node --import tsx bench/cutout/server-target.ts
// Started as `pnpm bench:api` starts it (../genflow-target.ts: production settings, embedded
// PGlite, a signed-up user and an API key the requests carry). Prints one JSON line
// (ServerTargetReady) on stdout once it takes requests, then answers commands on stdin, one JSON
// line each: `start` begins watching its event loop and CPU; `rss` answers its resident set;
// `stop` ends the watching and reports it with its memory (ServerTargetStats). Stops on SIGTERM.
import { createInterface } from "node:readline";

import { startGenflow } from "../genflow-target";
import { lagMonitor, peakRssBytes } from "./measure";
import type { LagSummary } from "./protocol";

export interface ServerTargetReady {
  port: number;
  /** Headers every request carries (GenFlow's API key). */
  headers: Record<string, string>;
}

export interface ServerTargetStats {
  lag: LagSummary | null;
  /** CPU time of the server process (all threads) since `start`, in ms. */
  cpuMs: number;
  rssBytes: number;
  peakRssBytes: number;
}

async function main() {
  const running = await startGenflow();
  const lag = lagMonitor();
  let cpuStart = process.cpuUsage();
  const answer = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);

  createInterface({ input: process.stdin }).on("line", (command) => {
    if (command === "start") {
      cpuStart = process.cpuUsage();
      lag.start();
      answer({ ok: true });
    } else if (command === "stop") {
      const cpu = process.cpuUsage(cpuStart);
      const stats: ServerTargetStats = {
        lag: lag.stop(),
        cpuMs: (cpu.user + cpu.system) / 1000,
        rssBytes: process.memoryUsage.rss(),
        peakRssBytes: peakRssBytes(),
      };
      answer(stats);
    } else if (command === "rss") {
      answer({ rssBytes: process.memoryUsage.rss() });
    } else {
      answer({ error: `unknown command "${command}"` });
    }
  });

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error("target failed to close:", error);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  const ready: ServerTargetReady = { port: running.ready.port, headers: running.ready.headers };
  answer(ready);
}

main().catch((error: unknown) => {
  console.error("target failed to start:", error);
  process.exit(1);
});
