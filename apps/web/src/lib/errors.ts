/** What the UI needs from a failed call, read from the server's error envelope in `error.data`. */
export interface ApiFailure {
  /** Domain error code (VALIDATION, LIMIT_EXCEEDED, …), or NETWORK when the server was not reached. */
  code: string;
  message: string;
  requestId: string | null;
  fieldErrors: Record<string, string[]>;
  retryAfterMs: number | null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function readFieldErrors(details: unknown): Record<string, string[]> {
  if (!isRecord(details) || !isRecord(details.fieldErrors)) return {};
  const out: Record<string, string[]> = {};
  for (const [field, messages] of Object.entries(details.fieldErrors)) {
    if (Array.isArray(messages)) {
      const strings = messages.filter((m): m is string => typeof m === "string");
      if (strings.length > 0) out[field] = strings;
    }
  }
  return out;
}

/**
 * Reads the envelope `{ code, message, details, requestId }` from a tRPC client error.
 * Errors without an envelope never reached the API (offline, DNS, proxy): those are NETWORK.
 */
export function readApiFailure(error: unknown): ApiFailure {
  const data = isRecord(error) && isRecord(error.data) ? error.data : null;
  if (!data || typeof data.code !== "string") {
    return { code: "NETWORK", message: "", requestId: null, fieldErrors: {}, retryAfterMs: null };
  }
  const details = data.details;
  const retryAfterMs =
    isRecord(details) && typeof details.retryAfterMs === "number" ? details.retryAfterMs : null;
  return {
    code: data.code,
    message: typeof data.message === "string" ? data.message : "",
    requestId: typeof data.requestId === "string" ? data.requestId : null,
    fieldErrors: readFieldErrors(details),
    retryAfterMs,
  };
}

/** The envelope's raw `details` (row problems, form errors…), or null when there are none. */
export function readErrorDetails(error: unknown): Record<string, unknown> | null {
  const data = isRecord(error) && isRecord(error.data) ? error.data : null;
  return data && isRecord(data.details) ? data.details : null;
}
