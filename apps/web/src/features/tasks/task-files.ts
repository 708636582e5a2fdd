import { sameOriginPath } from "../studio/same-origin";

/** One file a task made, as its output lists it (`output.files[]`). */
export interface TaskFile {
  name: string;
  /** Where it is served (absolute, on the API's public address). */
  url: string;
  contentType: string;
  bytes: number | null;
  thumbnailUrl: string | null;
  width: number | null;
  height: number | null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const text = (value: unknown): string | null => (typeof value === "string" ? value : null);
const count = (value: unknown): number | null =>
  typeof value === "number" && Number.isFinite(value) ? value : null;

/**
 * The files in a task's output, read defensively (the output is any JSON the kind returned):
 * entries without a name or a URL are left out.
 */
export function taskFilesOf(output: Record<string, unknown> | null): TaskFile[] {
  const files = output?.["files"];
  if (!Array.isArray(files)) return [];
  const out: TaskFile[] = [];
  for (const entry of files) {
    if (!isRecord(entry)) continue;
    const name = text(entry.name);
    const url = text(entry.url);
    if (!name || !url) continue;
    out.push({
      name,
      url,
      contentType: text(entry.contentType) ?? "application/octet-stream",
      bytes: count(entry.bytes),
      thumbnailUrl: text(entry.thumbnailUrl),
      width: count(entry.width),
      height: count(entry.height),
    });
  }
  return out;
}

const isZip = (file: TaskFile) =>
  file.contentType === "application/zip" || file.name.toLowerCase().endsWith(".zip");

/** The pictures among a task's files (each may have a thumbnail), and the archives. */
export function splitTaskFiles(files: readonly TaskFile[]): {
  images: TaskFile[];
  archives: TaskFile[];
  others: TaskFile[];
} {
  const images: TaskFile[] = [];
  const archives: TaskFile[] = [];
  const others: TaskFile[] = [];
  for (const file of files) {
    if (isZip(file)) archives.push(file);
    else if (file.contentType.startsWith("image/")) images.push(file);
    else others.push(file);
  }
  return { images, archives, others };
}

/** A file's URL on this app's origin (where the session cookie applies). */
export function fileHref(url: string): string {
  return sameOriginPath(url);
}

/** The same, asking the server for an attachment (`?download=1`) even for images. */
export function downloadHref(url: string): string {
  const path = sameOriginPath(url);
  return `${path}${path.includes("?") ? "&" : "?"}download=1`;
}
