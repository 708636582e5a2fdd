/**
 * The photos of a batch, one state each: first their uploads (here), then what the `cutout.batch`
 * task made of them, from its log while it runs and from its output once it is done.
 */

/** One photo's upload through `POST /api/uploads`. */
export interface BatchUpload {
  /** Stable while the batch is shown. */
  key: string;
  name: string;
  size: number;
  status: "waiting" | "uploading" | "uploaded" | "failed";
  /** Sent so far, 0 to 1. */
  progress: number;
  uploadId: string | null;
  /** Why the upload failed (the server's message). */
  error: string | null;
}

/** What the task reported for the photo at `index` of the batch. */
export interface BatchResult {
  index: number;
  cutoutId: string | null;
  /** The output's file name under the cut-out (known once the task is done). */
  output: string | null;
  error: string | null;
}

export type PhotoState =
  | { kind: "waiting" }
  | { kind: "uploading"; progress: number }
  | { kind: "uploadFailed"; message: string }
  | { kind: "queued" }
  | { kind: "working" }
  | { kind: "done"; cutoutId: string; thumbnail: string }
  | { kind: "failed"; message: string }
  /** The task ended (failed, canceled) before it came to this photo. */
  | { kind: "skipped" };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const text = (value: unknown): string | null =>
  typeof value === "string" && value !== "" ? value : null;

function resultOf(entry: Record<string, unknown>): BatchResult | null {
  const { index } = entry;
  if (typeof index !== "number" || !Number.isInteger(index) || index < 0) return null;
  const error = isRecord(entry.error) ? (text(entry.error.message) ?? "") : null;
  return { index, cutoutId: text(entry.cutoutId), output: text(entry.output), error };
}

/** A log entry of the task (`{ message, index, cutoutId | error }`), or null for other entries. */
export function resultOfLog(data: Record<string, unknown>): BatchResult | null {
  const result = resultOf(data);
  return result && (result.cutoutId !== null || result.error !== null) ? result : null;
}

/** The task's output items (`output.items[]`), read defensively. */
export function resultsOfOutput(output: Record<string, unknown> | null): BatchResult[] {
  const items = output?.["items"];
  if (!Array.isArray(items)) return [];
  return items.flatMap((item) => {
    const result = isRecord(item) ? resultOf(item) : null;
    return result ? [result] : [];
  });
}

/** Results by photo, the output's (complete, with file names) over the log's. */
export function mergeResults(
  fromLog: ReadonlyMap<number, BatchResult>,
  fromOutput: readonly BatchResult[],
): Map<number, BatchResult> {
  const merged = new Map(fromLog);
  for (const result of fromOutput) merged.set(result.index, result);
  return merged;
}

/** A cut-out's thumbnail among its files: the subject, small, made by the server. */
const THUMBNAIL_FILE = "thumb.webp";

/** A cut-out file's address on this origin. */
export function cutoutFilePath(cutoutId: string, name: string): string {
  return `/api/cutouts/${encodeURIComponent(cutoutId)}/${encodeURIComponent(name)}`;
}

/**
 * Each photo's state, in the order chosen. `sent` lists the upload ids sent to the task (its
 * indexes), or null before it was made; `taskStatus` is the task's status when there is one.
 */
export function photoStates(
  uploads: readonly BatchUpload[],
  sent: readonly string[] | null,
  results: ReadonlyMap<number, BatchResult>,
  taskStatus: string | null,
): PhotoState[] {
  const indexOf = new Map(sent?.map((id, index) => [id, index]));
  // Photos run one after another: the first without a result is the one being cut out.
  let working: number | null = null;
  if (taskStatus === "running" && sent) {
    for (let index = 0; index < sent.length; index++) {
      if (!results.has(index)) {
        working = index;
        break;
      }
    }
  }
  return uploads.map((upload): PhotoState => {
    if (upload.status === "waiting") return { kind: "waiting" };
    if (upload.status === "uploading") return { kind: "uploading", progress: upload.progress };
    if (upload.status === "failed") return { kind: "uploadFailed", message: upload.error ?? "" };
    const index = upload.uploadId === null ? undefined : indexOf.get(upload.uploadId);
    if (index === undefined) return { kind: "waiting" };
    const result = results.get(index);
    if (result?.error !== null && result?.error !== undefined) {
      return { kind: "failed", message: result.error };
    }
    if (result?.cutoutId) {
      return {
        kind: "done",
        cutoutId: result.cutoutId,
        thumbnail: cutoutFilePath(result.cutoutId, THUMBNAIL_FILE),
      };
    }
    if (index === working) return { kind: "working" };
    if (taskStatus === "failed" || taskStatus === "canceled" || taskStatus === "interrupted") {
      return { kind: "skipped" };
    }
    return { kind: "queued" };
  });
}
