/** What `POST /api/uploads` answers: the stored image, to use in a card as `ref`. */
export interface UploadedImage {
  id: string;
  /** `upload:<id>`: what an image field takes. */
  ref: string;
  fileName: string | null;
  mime: string;
  bytes: number;
  width: number;
  height: number;
  url: string;
}

/** A failed upload, with the server's error envelope in `data` (readable with `readApiFailure`). */
export class UploadError extends Error {
  constructor(
    message: string,
    readonly data: Record<string, unknown> | null,
  ) {
    super(message);
    this.name = "UploadError";
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function isUploadedImage(value: unknown): value is UploadedImage {
  return (
    isRecord(value) &&
    typeof value.id === "string" &&
    typeof value.ref === "string" &&
    typeof value.bytes === "number"
  );
}

/** The error an answer stands for: its envelope, or one made from the status. */
function failureOf(status: number, statusText: string, body: unknown): UploadError {
  if (isRecord(body) && isRecord(body.error)) {
    const envelope = body.error;
    return new UploadError(typeof envelope.message === "string" ? envelope.message : "", envelope);
  }
  // Not our JSON (a proxy's error page): no envelope to read.
  const code =
    status === 413 ? "PAYLOAD_TOO_LARGE" : status === 429 ? "LIMIT_EXCEEDED" : "INTERNAL";
  return new UploadError(statusText, { code, message: statusText });
}

/**
 * Uploads a file through `POST /api/uploads` (signed in by the session cookie of this origin) and
 * reports how much of it has been sent, from 0 to 1. XMLHttpRequest, because fetch cannot report
 * upload progress. Failures reject with an `UploadError`: with the server's envelope, or without
 * one (`data` null) when the server was not reached; aborting rejects with an `AbortError`.
 */
export function uploadImage(
  file: File,
  options: { onProgress?: (fraction: number) => void; signal?: AbortSignal } = {},
): Promise<UploadedImage> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    const abort = () => request.abort();
    const done = () => options.signal?.removeEventListener("abort", abort);
    request.open("POST", `/api/uploads?filename=${encodeURIComponent(file.name)}`);
    request.responseType = "json";
    request.setRequestHeader("content-type", file.type);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0)
        options.onProgress?.(event.loaded / event.total);
    };
    request.onload = () => {
      done();
      const body: unknown = request.response;
      if (request.status >= 200 && request.status < 300 && isUploadedImage(body)) resolve(body);
      else reject(failureOf(request.status, request.statusText, body));
    };
    request.onerror = () => {
      done();
      reject(new UploadError("", null));
    };
    request.onabort = () => {
      done();
      reject(new DOMException("The upload was cancelled", "AbortError"));
    };
    if (options.signal?.aborted) {
      reject(new DOMException("The upload was cancelled", "AbortError"));
      return;
    }
    options.signal?.addEventListener("abort", abort, { once: true });
    request.send(file);
  });
}
