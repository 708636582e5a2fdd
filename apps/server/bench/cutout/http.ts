// (a) over HTTP: GenFlow's real server in its own process (server-target.ts), sent the same photos
// one request at a time from this process with fetch, as multipart uploads (http-contract.ts).
// A request is timed from the call to the last byte of the answer. The server reports its own
// event loop, CPU and memory. Skipped, with the reason, when the route answers 404.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { performance } from "node:perf_hooks";

import { checkPng } from "./contender";
import {
  CUTOUT_CONTENT_TYPE,
  CUTOUT_PATH,
  CUTOUT_STATUS,
  cutoutForm,
  parseServerTiming,
} from "./http-contract";
import { message } from "./measure";
import { startServer, type Turn } from "./processes";
import type { BenchPhoto, ContenderRun, PhotoSet } from "./protocol";
import type { ServerTargetReady, ServerTargetStats } from "./server-target";

/** Starting GenFlow includes opening PGlite, migrating and hashing a password. */
const READY_TIMEOUT_MS = 180_000;
/** The first request may load the model. */
const FIRST_REQUEST_TIMEOUT_MS = 600_000;
const REQUEST_TIMEOUT_MS = 300_000;
const MAX_ERROR_MESSAGES = 3;

export type HttpOutcome =
  { status: "measured"; run: ContenderRun } | { status: "skipped"; reason: string };

class RouteMissing extends Error {}

export async function runHttp(
  set: PhotoSet,
  warmup: number,
  progress: (line: string) => void,
  /** Runs each measured request (`own`) in its turn among other contenders' images. */
  inTurn: (n: number, own: Turn) => Promise<void> = (_n, own) => own(),
): Promise<HttpOutcome> {
  const prepareStart = performance.now();
  const server = await startServer<ServerTargetReady>(
    "http",
    "server-target.ts",
    [],
    READY_TIMEOUT_MS,
    progress,
  );
  const prepareMs = performance.now() - prepareStart;
  const url = `http://127.0.0.1:${server.ready.port}${CUTOUT_PATH}`;
  const photos = await Promise.all(
    set.photos.map(async (photo) => ({
      photo,
      bytes: await readFile(path.join(set.dir, photo.file)),
    })),
  );

  const post = async (photo: BenchPhoto, bytes: Buffer, timeoutMs: number) => {
    const started = performance.now();
    const response = await fetch(url, {
      method: "POST",
      headers: server.ready.headers,
      body: cutoutForm(bytes, photo.file),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = new Uint8Array(await response.arrayBuffer());
    const ms = performance.now() - started;
    if (response.status === 404) throw new RouteMissing(`POST ${CUTOUT_PATH} answered 404`);
    if (response.status !== CUTOUT_STATUS) {
      const text = new TextDecoder().decode(body.subarray(0, 300));
      throw new Error(`POST ${CUTOUT_PATH} answered ${response.status}: ${text}`);
    }
    const type = response.headers.get("content-type") ?? "";
    if (!type.startsWith(CUTOUT_CONTENT_TYPE)) throw new Error(`answered ${type}, not PNG`);
    checkPng(body, photo);
    return {
      ms,
      bytes: body.length,
      timing: parseServerTiming(response.headers.get("server-timing")),
    };
  };

  try {
    const warmupMs: number[] = [];
    for (let i = 0; i < Math.max(1, warmup); i++) {
      const { photo, bytes } = photos[i % photos.length] ?? { photo: undefined, bytes: undefined };
      if (!photo || !bytes) throw new Error("the photo set is empty");
      const result = await post(
        photo,
        bytes,
        i === 0 ? FIRST_REQUEST_TIMEOUT_MS : REQUEST_TIMEOUT_MS,
      );
      warmupMs.push(result.ms);
    }
    progress(`  http: ready (warm-up ${warmupMs.map((ms) => ms.toFixed(0)).join(", ")} ms)`);

    const samplesMs: number[] = [];
    const outputBytes: number[] = [];
    const stageSums: Record<string, number> = {};
    const rssAfterBytes: number[] = [];
    const errorMessages: string[] = [];
    let errors = 0;
    await server.ask("start");
    for (const [n, { photo, bytes }] of photos.entries()) {
      let answer: Awaited<ReturnType<typeof post>> | undefined;
      let failure: unknown;
      await inTurn(n, async () => {
        try {
          answer = await post(photo, bytes, REQUEST_TIMEOUT_MS);
        } catch (error) {
          failure = error;
        }
      });
      try {
        if (!answer) throw failure instanceof Error ? failure : new Error(String(failure));
        const result = answer;
        samplesMs.push(result.ms);
        outputBytes.push(result.bytes);
        for (const [name, value] of Object.entries(result.timing))
          stageSums[`Server-Timing ${name}`] = (stageSums[`Server-Timing ${name}`] ?? 0) + value;
        progress(`  http: ${n + 1}/${photos.length} ${photo.file} ${result.ms.toFixed(0)} ms`);
      } catch (error) {
        errors += 1;
        if (errorMessages.length < MAX_ERROR_MESSAGES) errorMessages.push(message(error));
        progress(`  http: ${n + 1}/${photos.length} ${photo.file} failed: ${message(error)}`);
      }
      rssAfterBytes.push((await server.ask<{ rssBytes: number }>("rss")).rssBytes);
    }
    const stats = await server.ask<ServerTargetStats>("stop");
    const stages: Record<string, number> = {};
    for (const [name, sum] of Object.entries(stageSums)) stages[name] = sum / samplesMs.length;
    return {
      status: "measured",
      run: {
        contender: "http",
        samplesMs,
        cpuMs: stats.cpuMs,
        outputBytes,
        errors,
        errorMessages,
        prepareMs,
        warmupMs,
        memory: { peakRssBytes: stats.peakRssBytes, rssAfterBytes },
        lag: stats.lag,
        stages,
        details: {
          use: `POST ${CUTOUT_PATH} (multipart: image, options {"tier":"quality"}), Authorization: Bearer <API key>, one request at a time`,
          memory: "the server process's",
        },
      },
    };
  } catch (error) {
    if (error instanceof RouteMissing)
      return {
        status: "skipped",
        reason: `${error.message}: the server has no cut-out route yet`,
      };
    throw error;
  } finally {
    await server.stop();
  }
}
