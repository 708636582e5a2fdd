import type { TRPCClientError } from "@trpc/client";
import type { AnyRouter } from "@trpc/server";

/** A WHATWG `fetch`: the global one, undici's, or anything with the same shape. */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** Header name → value; entries whose value is `undefined` are left out. */
export type HeaderRecord = Record<string, string | undefined>;

export type HeadersOption = HeaderRecord | (() => HeaderRecord | Promise<HeaderRecord>);

/** The headers for one request: the caller's, plus the API key as a bearer token. */
export async function resolveHeaders(
  headers: HeadersOption | undefined,
  apiKey: string | undefined,
): Promise<Record<string, string>> {
  const given = typeof headers === "function" ? await headers() : headers;
  const resolved: Record<string, string> = {};
  for (const [name, value] of Object.entries(given ?? {})) {
    if (value !== undefined) resolved[name.toLowerCase()] = value;
  }
  if (apiKey) resolved.authorization = `Bearer ${apiKey}`;
  return resolved;
}

/**
 * Wraps `fetch` so every request is aborted after `timeoutMs` (as well as when the caller's own
 * signal aborts). A request that runs out of time fails with a `TimeoutError`.
 */
export function withTimeout(fetchImpl: FetchLike, timeoutMs: number): FetchLike {
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) return fetchImpl;
  return async (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    try {
      return await fetchImpl(input, { ...init, signal });
    } catch (error) {
      if (timeout.aborted && !init?.signal?.aborted) {
        throw new DOMException(
          `The request did not complete within ${timeoutMs} ms`,
          "TimeoutError",
        );
      }
      throw error;
    }
  };
}

/** System error codes meaning the connection was never established, so the server saw nothing. */
const NOT_CONNECTED_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/** Error codes found anywhere in a cause chain (including the members of an AggregateError). */
function errorCodes(error: unknown, depth = 0): string[] {
  if (typeof error !== "object" || error === null || depth > 5) return [];
  const codes: string[] = [];
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === "string") codes.push(code);
  if (Array.isArray(errors))
    for (const member of errors) codes.push(...errorCodes(member, depth + 1));
  codes.push(...errorCodes(cause, depth + 1));
  return codes;
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError");
}

/**
 * Whether a failed call may be sent again: only when no response arrived at all and the failure was
 * at the network level. A query (read-only) is retried after any network failure; a mutation only
 * when the connection was never established, so a mutation that may have reached the server is
 * never sent twice. Aborts and timeouts are never retried.
 */
export function isRetryableFailure(
  type: "query" | "mutation" | "subscription",
  error: TRPCClientError<AnyRouter>,
): boolean {
  if (type === "subscription") return false;
  if (error.data !== undefined || error.meta?.response !== undefined) return false;
  const cause = error.cause;
  if (cause === undefined || isAbort(cause)) return false;
  const codes = errorCodes(cause);
  if (type === "mutation") return codes.some((code) => NOT_CONNECTED_CODES.has(code));
  // fetch reports every network-level failure as a TypeError ("fetch failed").
  return cause instanceof TypeError || codes.length > 0;
}
