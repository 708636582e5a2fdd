import { createHash, randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";

import { schema, type CutoutOutputRecord } from "@genflow/db";
import { and, eq } from "drizzle-orm";
import sharp from "sharp";
import { z } from "zod";

import { DomainError, notFound } from "../errors";
import { afterCursor, decodeCursor, encodeCursor, newestFirst } from "../pagination";
import { findOwnUploads, readUploadBytes } from "../uploads";
import { cleanFileName } from "../uploads/create-upload";
import { parseInput } from "../validation";
import {
  composeCutout,
  decodePhoto,
  maskPhoto,
  maskOptionsOf,
  measurePhoto,
  outputOptionsOf,
  type DecodedPhoto,
} from "./cutout-image";
import type { CutoutServices } from "./ports";
import { CutoutOptions, MaskOptions, OutputOptions, type CutoutTimings } from "./schemas";
import {
  addCutoutOutput,
  CUTOUT_VIEWS,
  cutoutKeys,
  findOwnCutout,
  isCutoutView,
  toCutout,
  type Cutout,
  type CutoutView,
} from "./store";
import { cutoutThumbnail, photoPreview } from "./views";

/** Where a photo comes from: bytes sent with the request, or one of the user's uploads. */
export type CutoutSource =
  { bytes: Uint8Array; fileName?: string | undefined } | { uploadId: string };

const MIME_OF_FORMAT: Record<string, string> = {
  jpeg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
  avif: "image/avif",
  heif: "image/heif",
  gif: "image/gif",
  tiff: "image/tiff",
};

/** The photo's bytes and name, read from the user's uploads when it is one. */
async function sourceBytes(
  deps: Pick<CutoutServices, "db" | "blobs" | "log">,
  userId: string,
  source: CutoutSource,
): Promise<{ bytes: Uint8Array; fileName: string | null; uploadId: string | null }> {
  if ("bytes" in source) {
    return { bytes: source.bytes, fileName: cleanFileName(source.fileName), uploadId: null };
  }
  const upload = await readOwnUpload(deps, userId, source.uploadId);
  return { bytes: upload.bytes, fileName: upload.fileName, uploadId: upload.id };
}

async function readOwnUpload(
  deps: Pick<CutoutServices, "db" | "blobs" | "log">,
  userId: string,
  uploadId: string,
) {
  const id = z.uuid().safeParse(uploadId).success ? uploadId.toLowerCase() : undefined;
  const upload = id ? (await findOwnUploads(deps.db, { userId, ids: [id] })).get(id) : undefined;
  const bytes = upload ? await readUploadBytes(deps.blobs, upload.id) : undefined;
  if (!upload || !bytes) {
    throw new DomainError("NOT_FOUND", "Upload not found", {
      details: { fieldErrors: { uploadId: ["No upload of yours has this id"] }, uploadId },
    });
  }
  return { ...upload, bytes };
}

/** A stable name for the output these options make: the same options give the same file. */
function outputName(options: z.output<typeof OutputOptions>): string {
  const ext = options.output === "mask" ? "png" : options.format;
  const digest = createHash("sha256").update(JSON.stringify(options)).digest("hex").slice(0, 20);
  return `${options.output}-${digest}.${ext}`;
}

/** Makes, stores and records one output of a cut-out whose photo and mask are in hand. */
async function storeOutput(
  deps: CutoutServices,
  params: {
    userId: string;
    cutoutId: string;
    photo: DecodedPhoto;
    alpha: Uint8Array;
    options: z.output<typeof OutputOptions>;
  },
): Promise<CutoutOutputRecord> {
  const { options } = params;
  const background = options.background;
  const backgroundImage =
    background.type === "image"
      ? (await readOwnUpload(deps, params.userId, background.uploadId)).bytes
      : undefined;
  const image = await composeCutout({
    photo: params.photo,
    alpha: params.alpha,
    options,
    backgroundImage,
  });
  const name = outputName(options);
  await deps.blobs.put(cutoutKeys.output(params.cutoutId, name), image.bytes, {
    contentType: image.contentType,
  });
  return {
    name,
    contentType: image.contentType,
    width: image.width,
    height: image.height,
    bytes: image.bytes.byteLength,
    options,
    createdAt: deps.clock.now().toISOString(),
  };
}

export interface ProcessCutoutParams {
  userId: string;
  source: CutoutSource;
  options?: CutoutOptions | undefined;
  /** The id to give the cut-out (a task passes one, so a retry finds what it made). */
  id?: string | undefined;
  /** The photo is already stored under `id` (see `stageCutoutSource`). */
  sourceStored?: boolean | undefined;
}

export interface ProcessedCutout {
  cutout: Cutout;
  /** The output asked for. */
  output: CutoutOutputRecord;
  timings: CutoutTimings;
}

/**
 * Removes a photo's background and keeps the result: the photo, its mask and the asked-for output
 * are stored under a new cut-out of the user's, so other outputs (another background, the mask, a
 * crop) can be made later without running the model again (`composeCutoutOutput`).
 */
export async function processCutout(
  deps: CutoutServices,
  params: ProcessCutoutParams,
): Promise<ProcessedCutout> {
  const started = performance.now();
  const options = parseInput(
    CutoutOptions,
    params.options ?? {},
    "The cut-out options are not valid",
  );
  const source = await sourceBytes(deps, params.userId, params.source);
  const photo = await decodePhoto(source.bytes);
  const format = (await sharp(source.bytes, { limitInputPixels: false }).metadata()).format;
  const decoded = performance.now();
  const mask = await maskPhoto(deps, photo, options);
  const masked = performance.now();

  const id = params.id ?? randomUUID();
  // The mask's PNG and the output are encoded side by side (each encode is one thread's work).
  const storeMask = async () => {
    const maskPng = await sharp(mask.alpha, {
      raw: { width: photo.width, height: photo.height, channels: 1 },
    })
      .toColourspace("b-w")
      .png({ compressionLevel: 3 })
      .toBuffer();
    await deps.blobs.put(cutoutKeys.mask(id), maskPng, { contentType: "image/png" });
  };
  const [output] = await Promise.all([
    storeOutput(deps, {
      userId: params.userId,
      cutoutId: id,
      photo,
      alpha: mask.alpha,
      options: OutputOptions.parse(outputOptionsOf(options)),
    }),
    storeMask(),
    params.sourceStored
      ? undefined
      : deps.blobs.put(cutoutKeys.source(id), source.bytes, {
          contentType: MIME_OF_FORMAT[format] ?? "application/octet-stream",
        }),
  ]);
  const maskOptions = MaskOptions.parse(maskOptionsOf(options));
  const [row] = await deps.db
    .insert(schema.cutouts)
    .values({
      id,
      userId: params.userId,
      fileName: source.fileName,
      uploadId: source.uploadId,
      sourceMime: MIME_OF_FORMAT[format] ?? "application/octet-stream",
      sourceBytes: source.bytes.byteLength,
      width: photo.width,
      height: photo.height,
      model: mask.model,
      tier: options.tier,
      maskOptions,
      inferMs: mask.inferMs,
      outputs: [output],
    })
    .returning();
  if (!row) throw new Error("the cut-out was not stored");
  const finished = performance.now();
  return {
    cutout: toCutout(row),
    output,
    timings: {
      decodeMs: decoded - started,
      inferMs: mask.inferMs,
      composeMs: finished - masked,
      totalMs: finished - started,
      ...(mask.loadMs === undefined ? {} : { loadMs: mask.loadMs }),
    },
  };
}

/**
 * Whether a photo is small enough to cut out while the caller waits (see
 * `CUTOUT_SYNC_MAX_PIXELS`); reads its header only, and refuses what `processCutout` would.
 */
export async function photoSize(
  deps: Pick<CutoutServices, "db" | "blobs" | "log">,
  userId: string,
  source: CutoutSource,
): Promise<{ width: number; height: number }> {
  const { bytes } = await sourceBytes(deps, userId, source);
  const { width, height } = await measurePhoto(bytes);
  return { width, height };
}

/**
 * Keeps a photo's bytes under a new cut-out id before the cut-out exists, for a task to finish
 * (`processCutout` with that `id`). The task's cleanup removes it if the cut-out never comes.
 */
export async function stageCutoutSource(
  deps: Pick<CutoutServices, "blobs">,
  bytes: Uint8Array,
): Promise<string> {
  const id = randomUUID();
  await deps.blobs.put(cutoutKeys.source(id), bytes, { contentType: "application/octet-stream" });
  return id;
}

export const ComposeCutoutInput = z.strictObject({
  id: z.uuid(),
  options: OutputOptions.prefault({}),
});
export type ComposeCutoutInput = z.input<typeof ComposeCutoutInput>;

/**
 * Another image from a stored cut-out (the mask, another background, a crop), made from its photo
 * and mask without running the model. The same options give the same stored file.
 */
export async function composeCutoutOutput(
  deps: CutoutServices,
  params: { userId: string; input: ComposeCutoutInput },
): Promise<{ cutout: Cutout; output: CutoutOutputRecord; composeMs: number }> {
  const started = performance.now();
  const input = parseInput(ComposeCutoutInput, params.input, "The cut-out options are not valid");
  const cutout = await findOwnCutout(deps.db, { userId: params.userId, id: input.id });
  if (!cutout) throw notFound("Cut-out");
  const name = outputName(input.options);
  const existing = cutout.outputs.find((output) => output.name === name);
  if (existing && (await deps.blobs.has(cutoutKeys.output(cutout.id, name)))) {
    return { cutout, output: existing, composeMs: performance.now() - started };
  }
  const [source, maskPng] = await Promise.all([
    deps.blobs.get(cutoutKeys.source(cutout.id)),
    deps.blobs.get(cutoutKeys.mask(cutout.id)),
  ]);
  if (!source || !maskPng) {
    deps.log.warn({ cutoutId: cutout.id }, "a cut-out's stored photo or mask is missing");
    throw notFound("Cut-out");
  }
  const photo = await decodePhoto(source);
  const alpha = await sharp(maskPng).extractChannel(0).raw().toBuffer();
  const output = await storeOutput(deps, {
    userId: params.userId,
    cutoutId: cutout.id,
    photo,
    alpha,
    options: input.options,
  });
  const updated = await addCutoutOutput(deps.db, {
    userId: params.userId,
    id: cutout.id,
    output,
  });
  if (!updated) throw notFound("Cut-out");
  return { cutout: updated, output, composeMs: performance.now() - started };
}

export const ListCutoutsInput = z.object({
  cursor: z.string().max(200).optional(),
  limit: z.int().min(1).max(100).default(24),
});
export type ListCutoutsInput = z.input<typeof ListCutoutsInput>;

/** The user's cut-outs, newest first, a page at a time. */
export async function listCutouts(
  deps: Pick<CutoutServices, "db">,
  params: ListCutoutsInput & { userId: string },
): Promise<{ items: Cutout[]; nextCursor: string | null }> {
  const { cursor, limit } = parseInput(
    ListCutoutsInput,
    { cursor: params.cursor, limit: params.limit },
    "The cut-outs request is not valid",
  );
  const after = cursor === undefined ? undefined : decodeCursor(cursor);
  const t = schema.cutouts;
  const rows = await deps.db
    .select()
    .from(t)
    .where(and(eq(t.userId, params.userId), afterCursor(t, after)))
    .orderBy(...newestFirst(t))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(toCutout),
    nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
  };
}

/** One of the user's cut-outs; anyone else's (or none) is NOT_FOUND. */
export async function getCutout(
  deps: Pick<CutoutServices, "db">,
  params: { userId: string; id: string },
): Promise<Cutout> {
  const id = z.uuid().safeParse(params.id).success ? params.id.toLowerCase() : undefined;
  const cutout = id ? await findOwnCutout(deps.db, { userId: params.userId, id }) : undefined;
  if (!cutout) throw notFound("Cut-out");
  return cutout;
}

/** Deletes one of the user's cut-outs and its files. */
export async function deleteCutout(
  deps: Pick<CutoutServices, "db" | "blobs" | "log">,
  params: { userId: string; id: string },
): Promise<void> {
  const cutout = await getCutout(deps, params);
  const t = schema.cutouts;
  await deps.db.delete(t).where(and(eq(t.id, cutout.id), eq(t.userId, params.userId)));
  const keys = [
    cutoutKeys.source(cutout.id),
    cutoutKeys.mask(cutout.id),
    ...CUTOUT_VIEWS.map((name) => cutoutKeys.view(cutout.id, name)),
    ...cutout.outputs.map((output) => cutoutKeys.output(cutout.id, output.name)),
  ];
  const results = await Promise.allSettled(keys.map((key) => deps.blobs.delete(key)));
  if (results.some((result) => result.status === "rejected")) {
    deps.log.warn({ cutoutId: cutout.id }, "some of a deleted cut-out's files were not removed");
  }
}

/**
 * One of a cut-out's views, made from its photo (and mask) the first time it is asked for and
 * kept. Two first requests side by side both make it; they make the same bytes.
 */
async function readCutoutView(
  deps: Pick<CutoutServices, "blobs" | "log">,
  cutout: Cutout,
  name: CutoutView,
): Promise<Uint8Array> {
  const key = cutoutKeys.view(cutout.id, name);
  const kept = await deps.blobs.get(key);
  if (kept) return kept;
  const [source, maskPng] = await Promise.all([
    deps.blobs.get(cutoutKeys.source(cutout.id)),
    name === "thumb.webp" ? deps.blobs.get(cutoutKeys.mask(cutout.id)) : undefined,
  ]);
  if (!source || (name === "thumb.webp" && !maskPng)) {
    deps.log.warn({ cutoutId: cutout.id, name }, "a cut-out's stored photo or mask is missing");
    throw notFound("File");
  }
  const view = maskPng ? await cutoutThumbnail(source, maskPng) : await photoPreview(source);
  await deps.blobs.put(key, view.bytes, { contentType: view.contentType });
  return view.bytes;
}

/**
 * A file of one of the user's cut-outs: the photo (`source`), `mask.png`, an output, or a view
 * (`preview.webp`, `thumb.webp`).
 */
export async function readCutoutFile(
  deps: Pick<CutoutServices, "db" | "blobs" | "log">,
  params: { userId: string; id: string; name: string },
): Promise<{ bytes: Uint8Array; contentType: string; cutout: Cutout }> {
  const cutout = await getCutout(deps, params);
  if (isCutoutView(params.name)) {
    const bytes = await readCutoutView(deps, cutout, params.name);
    return { bytes, contentType: "image/webp", cutout };
  }
  const output = cutout.outputs.find((candidate) => candidate.name === params.name);
  let key: string;
  let contentType: string;
  if (params.name === "source") {
    key = cutoutKeys.source(cutout.id);
    contentType = cutout.sourceMime;
  } else if (params.name === "mask.png") {
    key = cutoutKeys.mask(cutout.id);
    contentType = "image/png";
  } else if (output) {
    key = cutoutKeys.output(cutout.id, output.name);
    contentType = output.contentType;
  } else {
    throw notFound("File");
  }
  const bytes = await deps.blobs.get(key);
  if (!bytes) {
    deps.log.warn({ cutoutId: cutout.id, name: params.name }, "a cut-out's file is missing");
    throw notFound("File");
  }
  return { bytes, contentType, cutout };
}
