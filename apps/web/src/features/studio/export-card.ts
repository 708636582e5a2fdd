import type { CardInput, ImageFormat } from "./types";

/** What `POST /api/export` takes: a card's design and the file wanted. */
export interface ExportRequest {
  card: Pick<CardInput, "templateId" | "fields" | "size" | "theme" | "visibility">;
  format: ImageFormat;
  scale: number;
  filename: string;
}

export interface ExportedFile {
  blob: Blob;
  filename: string;
}

/** The file name a `Content-Disposition` header gives, preferring its UTF-8 form. */
export function filenameFromDisposition(header: string | null, fallback: string): string {
  if (!header) return fallback;
  const extended = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header);
  if (extended?.[1]) {
    try {
      return decodeURIComponent(extended[1].trim());
    } catch {
      // A malformed escape: fall through to the plain name.
    }
  }
  const plain =
    /filename\s*=\s*"((?:[^"\\]|\\.)*)"/i.exec(header) ?? /filename\s*=\s*([^;]+)/i.exec(header);
  const name = plain?.[1]?.replace(/\\(.)/g, "$1").trim();
  return name ? name : fallback;
}

/** A REST error envelope `{ error: { code, message, details, requestId } }` as the tRPC client shapes it. */
export class ExportError extends Error {
  constructor(
    message: string,
    readonly data: Record<string, unknown> | null,
  ) {
    super(message);
    this.name = "ExportError";
  }
}

async function failureOf(response: Response): Promise<ExportError> {
  try {
    const body: unknown = await response.json();
    if (typeof body === "object" && body !== null && "error" in body) {
      const envelope = body.error;
      if (typeof envelope === "object" && envelope !== null) {
        const data = envelope as Record<string, unknown>;
        return new ExportError(typeof data.message === "string" ? data.message : "", data);
      }
    }
  } catch {
    // Not JSON (a proxy's error page): no envelope to read.
  }
  return new ExportError(response.statusText, {
    code: response.status === 429 ? "LIMIT_EXCEEDED" : "INTERNAL",
    message: response.statusText,
  });
}

/**
 * Renders a card into a file through `POST /api/export` (signed in by the session cookie) and
 * returns its bytes and the name the server gave it. Failures throw an `ExportError` whose
 * `data` is the server's envelope, readable with `readApiFailure`.
 */
export async function exportCard(
  request: ExportRequest,
  fetchImpl: typeof fetch = fetch,
): Promise<ExportedFile> {
  let response: Response;
  try {
    response = await fetchImpl("/api/export", {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(request),
    });
  } catch (error) {
    // Never reached the server: no envelope, which reads as a network failure.
    throw new ExportError(error instanceof Error ? error.message : "", null);
  }
  if (!response.ok) throw await failureOf(response);
  const blob = await response.blob();
  return {
    blob,
    filename: filenameFromDisposition(
      response.headers.get("content-disposition"),
      request.filename,
    ),
  };
}

/** Saves a file through a temporary link, as the browser's own download. */
export function saveFile({ blob, filename }: ExportedFile): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  link.rel = "noopener";
  document.body.append(link);
  link.click();
  link.remove();
  // Give the browser time to start reading the blob before it goes.
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
