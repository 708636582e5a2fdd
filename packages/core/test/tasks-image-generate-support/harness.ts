import { randomUUID } from "node:crypto";
import { crc32, deflateSync } from "node:zlib";

import sharp from "sharp";

import type { TaskRunContext } from "../../src/tasks/kinds";
import { ImageGenerateInput, type ImageGenerateJob } from "../../src/tasks/kinds/image-generate";
import type { Task } from "../../src/tasks/schemas";

/** A task row as the runner would hand it over (running, first attempt). */
export function imageTaskFor(input: unknown): Task {
  const now = new Date();
  return {
    id: randomUUID(),
    kind: "image.generate",
    status: "running",
    priority: 0,
    attempts: 1,
    maxAttempts: 3,
    progress: 0,
    progressMessage: null,
    input: input as Record<string, unknown>,
    output: null,
    error: null,
    idempotencyKey: null,
    canceledBy: null,
    cancelRequested: false,
    workerId: "test",
    runAfter: now,
    createdAt: now,
    startedAt: now,
    heartbeatAt: now,
    finishedAt: null,
    lastSeq: 1,
  };
}

export interface ImageAttempt {
  task: Task;
  ctx: TaskRunContext<ImageGenerateJob>;
  controller: AbortController;
  progress: { percent: number; message: string | undefined }[];
  logs: Record<string, unknown>[];
}

/** A run context for `input`, parsed with the kind's schema as the runner does. */
export function imageAttempt(input: ImageGenerateInput): ImageAttempt {
  const controller = new AbortController();
  const progress: ImageAttempt["progress"] = [];
  const logs: ImageAttempt["logs"] = [];
  const task = imageTaskFor(input);
  const ctx: TaskRunContext<ImageGenerateJob> = {
    task,
    userId: "user-1",
    input: ImageGenerateInput.parse(input),
    attempt: 1,
    signal: controller.signal,
    progress(percent, message) {
      progress.push({ percent, message });
      return Promise.resolve();
    },
    log(data) {
      logs.push(data);
      return Promise.resolve();
    },
  };
  return { task, ctx, controller, progress, logs };
}

/** A real PNG of noise (so it does not compress to nothing), as a provider would send one. */
export async function noisyPng(width: number, height: number): Promise<Buffer> {
  return sharp({
    create: {
      width,
      height,
      channels: 3,
      background: "#808080",
      noise: { type: "gaussian", mean: 128, sigma: 40 },
    },
  })
    .png({ compressionLevel: 1 })
    .toBuffer();
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

/** A PNG whose header claims `width`×`height` RGB pixels (its pixel data is not all there). */
export function pngClaiming(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk("IHDR", header),
    pngChunk("IDAT", deflateSync(Buffer.alloc(16))),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

/** Bytes that start like a PNG (so the provider's type check passes) and are nothing else. */
export const fakePng = () => Buffer.concat([PNG_SIGNATURE, Buffer.from("this is not an image")]);

/** What `promise` rejects with. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );
}
