import { randomUUID } from "node:crypto";

import { schema } from "@genflow/db";
import { and, eq } from "drizzle-orm";
import sharp, { type Metadata } from "sharp";

import { DomainError } from "../errors";
import type { UploadDeps } from "./ports";
import { lockUserUploads, toUpload, uploadBlobKey } from "./queries";
import { UPLOAD_MIMES, type CreatedUpload } from "./schemas";
import { sniffImage } from "./sniff";

export interface CreateUploadParams {
  userId: string;
  bytes: Uint8Array;
  /** The file's name on the uploader's computer, if known. */
  fileName?: string | undefined;
}

/** Longest kept file name, in characters. */
const FILE_NAME_MAX = 200;

const MIB = 1024 * 1024;

/** A size for people: "10 MB", "2.5 MB", "300 KB". */
const describeBytes = (bytes: number) =>
  bytes >= MIB
    ? `${Number((bytes / MIB).toFixed(1))} MB`
    : `${Math.max(1, Math.round(bytes / 1024))} KB`;

/** A pixel count for people: "25 megapixels", "40,000 pixels". */
const describePixels = (pixels: number) =>
  pixels >= 1_000_000
    ? `${Number((pixels / 1_000_000).toFixed(1))} megapixels`
    : `${pixels.toLocaleString("en")} pixels`;

/**
 * PAYLOAD_TOO_LARGE for a file over the size limit (`size` when known: a host may stop reading a
 * body as soon as it passes the limit).
 */
export function uploadTooLarge(limitBytes: number, size?: number): DomainError {
  const actual = size === undefined ? "" : ` (${describeBytes(size)})`;
  return new DomainError(
    "PAYLOAD_TOO_LARGE",
    `The image is too large${actual}; uploads may be at most ${describeBytes(limitBytes)}`,
    { details: size === undefined ? { limitBytes } : { limitBytes, bytes: size } },
  );
}

function invalid(message: string, details: Record<string, unknown> = {}, cause?: unknown) {
  return new DomainError("VALIDATION", message, {
    details: { fieldErrors: { file: [message] }, ...details },
    cause,
  });
}

/**
 * A file name fit to show: its last path segment, without control or formatting characters (bidi
 * overrides could disguise an extension), trimmed and shortened.
 */
export function cleanFileName(name: string | undefined): string | null {
  if (name === undefined) return null;
  const base = name.normalize("NFC").split(/[/\\]/).at(-1) ?? "";
  const cleaned = base
    .replace(/[\p{Cc}\p{Cf}]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
  const short = Array.from(cleaned).slice(0, FILE_NAME_MAX).join("").trim();
  return short === "" ? null : short;
}

/** Width and height as displayed, read from the header only: nothing is decoded. */
async function measure(bytes: Uint8Array, maxPixels: number) {
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw invalid("The file could not be read as an image", {}, error);
  }
  const width = meta.autoOrient.width;
  const height = meta.autoOrient.height;
  if (!width || !height) throw invalid("The file could not be read as an image");
  if (width * height > maxPixels) {
    throw new DomainError(
      "PAYLOAD_TOO_LARGE",
      `The image has too many pixels (${width}×${height}); uploads may have at most ${describePixels(maxPixels)}`,
      { details: { limitPixels: maxPixels, width, height } },
    );
  }
  return { width, height };
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  // Web Crypto hashes on the thread pool, off the event loop (it takes no shared memory).
  const view =
    bytes.buffer instanceof ArrayBuffer
      ? (bytes as Uint8Array<ArrayBuffer>)
      : new Uint8Array(bytes);
  const digest = await crypto.subtle.digest("SHA-256", view);
  return Buffer.from(digest).toString("hex");
}

/**
 * Keeps an image the user uploaded, to use in cards. The bytes decide everything: their type
 * (PNG, JPEG or WebP, whatever the sender declared), their size and their pixel count (read from
 * the header, so an image that would take gigabytes to decode is refused unread). The same bytes
 * uploaded again by the same user are the upload they already have. The bytes are stored before
 * the row is written, and removed again when the row is not: no bytes are left without an upload.
 */
export async function createUpload(
  deps: UploadDeps,
  params: CreateUploadParams,
): Promise<CreatedUpload> {
  const { limits } = deps;
  const { bytes, userId } = params;
  if (bytes.byteLength === 0) throw invalid("The file is empty");
  if (bytes.byteLength > limits.maxBytes) throw uploadTooLarge(limits.maxBytes, bytes.byteLength);
  const mime = sniffImage(bytes);
  if (!mime) {
    throw invalid("Only PNG, JPEG and WebP images can be uploaded", { accepted: UPLOAD_MIMES });
  }
  const { width, height } = await measure(bytes, limits.maxPixels);
  const sha256 = await sha256Hex(bytes);
  const fileName = cleanFileName(params.fileName);

  const id = randomUUID();
  const blobKey = uploadBlobKey(id);
  let stored = false;
  const t = schema.uploads;
  try {
    return await deps.db.transaction(async (tx) => {
      await lockUserUploads(tx, userId);
      const [existing] = await tx
        .select()
        .from(t)
        .where(and(eq(t.userId, userId), eq(t.sha256, sha256)))
        .limit(1);
      if (existing) return { upload: toUpload(existing), created: false };
      const count = await tx.$count(t, eq(t.userId, userId));
      if (count >= limits.maxPerUser) {
        throw new DomainError(
          "LIMIT_EXCEEDED",
          `You have ${count} uploaded images, the most you may keep; delete some to upload more`,
          { details: { limit: limits.maxPerUser } },
        );
      }
      await deps.blobs.put(blobKey, bytes, { contentType: mime });
      stored = true;
      const [row] = await tx
        .insert(t)
        .values({
          id,
          userId,
          fileName,
          mime,
          bytes: bytes.byteLength,
          width,
          height,
          sha256,
          createdAt: deps.clock.now(),
        })
        .returning();
      if (!row) throw new Error("upload insert returned no row");
      return { upload: toUpload(row), created: true };
    });
  } catch (error) {
    // The row was not written (or not committed): nothing refers to these bytes.
    if (stored) {
      await deps.blobs.delete(blobKey).catch((cleanup: unknown) => {
        deps.log.error(
          { err: cleanup, key: blobKey },
          "could not remove the bytes of a failed upload",
        );
      });
    }
    throw error;
  }
}
