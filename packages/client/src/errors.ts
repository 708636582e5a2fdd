import type { AppRouter, ErrorEnvelope } from "@genflow/api";
import { TRPCClientError } from "@trpc/client";

export type { ErrorEnvelope };

/** A failure the GenFlow server answered with: a tRPC error whose `data` carries the envelope. */
export type GenflowError = TRPCClientError<AppRouter> & {
  data: ErrorEnvelope & { httpStatus: number };
};

/**
 * True when `error` is a response from the server (as opposed to a network failure, a timeout or
 * an abort). Its `data` then holds the error envelope: a stable `code` (`NOT_FOUND`, `FORBIDDEN`,
 * `LIMIT_EXCEEDED`…), a safe `message`, structured `details` (field errors, `retryAfterMs`) and the
 * `requestId` to quote when reporting a problem.
 *
 * ```ts
 * try {
 *   await client.auth.apiKeys.revoke.mutate({ id });
 * } catch (error) {
 *   if (isGenflowError(error) && error.data.code === "NOT_FOUND") return;
 *   throw error;
 * }
 * ```
 */
export function isGenflowError(error: unknown): error is GenflowError {
  if (!(error instanceof TRPCClientError)) return false;
  const data: unknown = error.data;
  if (typeof data !== "object" || data === null) return false;
  const envelope = data as Record<string, unknown>;
  return (
    typeof envelope.code === "string" &&
    typeof envelope.message === "string" &&
    typeof envelope.requestId === "string" &&
    typeof envelope.httpStatus === "number" &&
    (envelope.details === null || typeof envelope.details === "object")
  );
}
