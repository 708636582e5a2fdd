/**
 * Which files the cut-out page takes, checked here before anything is sent. The server checks
 * the bytes again and has the last word; these checks only spare a pointless upload.
 */

/** Largest photo `cutout.process` takes. */
export const CUTOUT_MAX_BYTES = 25 * 1024 * 1024;
/** Largest file `POST /api/uploads` takes (the server's default). */
export const UPLOAD_MAX_BYTES = 10 * 1024 * 1024;
/** Photos in one batch (`cutout.batch`). */
export const BATCH_MAX_FILES = 50;

/** What an upload may be: the types `POST /api/uploads` accepts. */
export const UPLOAD_TYPES = ["image/png", "image/jpeg", "image/webp"] as const;

/** Photo types by MIME type, and the extensions that stand for them when a browser gives none. */
const PHOTO_TYPES = [
  "image/jpeg",
  "image/png",
  "image/webp",
  "image/avif",
  "image/heic",
  "image/heif",
  "image/tiff",
  "image/gif",
] as const;
const PHOTO_EXTENSIONS = [
  "jpg",
  "jpeg",
  "png",
  "webp",
  "avif",
  "heic",
  "heif",
  "tif",
  "tiff",
  "gif",
] as const;

/** For the file picker's `accept`: the types, and extensions for systems that do not know HEIC. */
export const PHOTO_ACCEPT = [...PHOTO_TYPES, ...PHOTO_EXTENSIONS.map((ext) => `.${ext}`)].join(",");

export type FileLike = Pick<File, "name" | "type" | "size">;
export type PhotoProblem = "wrongType" | "tooLarge";

function extensionOf(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot < 0 ? "" : name.slice(dot + 1).toLowerCase();
}

/** Whether a file looks like a photo of a kind the server decodes (by type, else by extension). */
export function isPhotoFile(file: FileLike): boolean {
  const type = file.type.toLowerCase();
  if (type !== "" && type !== "application/octet-stream") {
    return (PHOTO_TYPES as readonly string[]).includes(type);
  }
  return (PHOTO_EXTENSIONS as readonly string[]).includes(extensionOf(file.name));
}

/** Why one photo cannot be cut out, or null when it can be sent. */
export function photoProblem(file: FileLike): PhotoProblem | null {
  if (!isPhotoFile(file)) return "wrongType";
  if (file.size > CUTOUT_MAX_BYTES) return "tooLarge";
  return null;
}

/** Whether a file can go through `POST /api/uploads` (which reports its progress). */
export function isUploadable(file: FileLike): boolean {
  return (UPLOAD_TYPES as readonly string[]).includes(file.type) && file.size <= UPLOAD_MAX_BYTES;
}

/** Why a photo cannot join a batch: batches are made of uploads, so only what uploads take. */
export function batchPhotoProblem(file: FileLike): PhotoProblem | null {
  if (!(UPLOAD_TYPES as readonly string[]).includes(file.type)) return "wrongType";
  if (file.size > UPLOAD_MAX_BYTES) return "tooLarge";
  return null;
}

/** A batch's files, split into those to upload and those refused (with why). */
export interface BatchSelection<F extends FileLike> {
  accepted: F[];
  refused: { file: F; problem: PhotoProblem | "tooMany" }[];
}

/** Checks every file of a batch; files past the batch limit are refused as too many. */
export function selectBatch<F extends FileLike>(files: readonly F[]): BatchSelection<F> {
  const accepted: F[] = [];
  const refused: BatchSelection<F>["refused"] = [];
  for (const file of files) {
    const problem = batchPhotoProblem(file);
    if (problem) refused.push({ file, problem });
    else if (accepted.length >= BATCH_MAX_FILES) refused.push({ file, problem: "tooMany" });
    else accepted.push(file);
  }
  return { accepted, refused };
}

/** Whether this browser can show a photo of this type (HEIC and TIFF it usually cannot). */
export function isViewable(file: FileLike): boolean {
  return ["image/jpeg", "image/png", "image/webp", "image/avif", "image/gif"].includes(file.type);
}
