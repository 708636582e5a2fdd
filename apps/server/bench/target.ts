// One benchmark target in its own process:
//   node --import tsx bench/target.ts <express|trpc|genflow> [--cpu-prof-dir <dir>]
//     [--without <layers|none>] [--anonymous] [--anchor-inside]   (GenFlow variants, see layers.ts)
// Prints a single JSON line (see protocol.ts) once it accepts requests; logs go to /dev/null.
// With --cpu-prof-dir, SIGUSR2 starts a CPU profile that is written there on SIGTERM or SIGINT.
import { parseArgs } from "node:util";

import { bareExpress, bareTrpc, listen } from "./bare-targets";
import { armProfiler } from "./cpu-profile";
import { isHostLayer, type HostLayer } from "./compose";
import { startGenflow, type GenflowVariant } from "./genflow-target";
import { isTargetKind, TARGET_KINDS, type TargetKind, type TargetReady } from "./protocol";

interface Running {
  ready: TargetReady;
  close(): Promise<void>;
}

async function start(kind: TargetKind, variant: GenflowVariant): Promise<Running> {
  switch (kind) {
    case "express": {
      const port = await listen(bareExpress());
      return { ready: { kind, port, path: "/ping", headers: {} }, close: () => Promise.resolve() };
    }
    case "trpc": {
      const port = await listen(bareTrpc());
      return {
        ready: { kind, port, path: "/trpc/system.info", headers: {} },
        close: () => Promise.resolve(),
      };
    }
    case "genflow":
      return startGenflow(variant);
  }
}

function parseLayers(list: string): HostLayer[] {
  const names = list
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s && s !== "none");
  const unknown = names.filter((name) => !isHostLayer(name));
  if (unknown.length > 0) throw new Error(`unknown layer(s): ${unknown.join(", ")}`);
  return names.filter(isHostLayer);
}

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      "cpu-prof-dir": { type: "string" },
      without: { type: "string" },
      anonymous: { type: "boolean", default: false },
      "anchor-inside": { type: "boolean", default: false },
    },
  });
  const kind = positionals[0] ?? "";
  if (!isTargetKind(kind)) {
    console.error(`usage: target.ts <${TARGET_KINDS.join("|")}> [--cpu-prof-dir <dir>]`);
    process.exit(2);
  }
  const profileDir = values["cpu-prof-dir"];
  const profiler = profileDir ? armProfiler(profileDir, kind) : undefined;
  const running = await start(kind, {
    without: values.without === undefined ? undefined : parseLayers(values.without),
    anonymous: values.anonymous,
    anchorInside: values["anchor-inside"],
  });

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    Promise.resolve(profiler?.finish())
      .then(() => running.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          console.error("target failed to close:", error);
          process.exit(1);
        },
      );
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);

  process.stdout.write(`${JSON.stringify(running.ready)}\n`);
}

main().catch((error: unknown) => {
  console.error("target failed to start:", error);
  process.exit(1);
});
