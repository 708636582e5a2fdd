import { DomainError, type ErrorCode } from "@genflow/core/errors";
import { TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server";

/**
 * The one mapping between domain error codes, tRPC codes and HTTP statuses.
 * REST routes and the tRPC error formatter both read it.
 */
export const ERROR_MAP: Record<ErrorCode, { trpc: TRPC_ERROR_CODE_KEY; http: number }> = {
  VALIDATION: { trpc: "BAD_REQUEST", http: 400 },
  UNAUTHORIZED: { trpc: "UNAUTHORIZED", http: 401 },
  FORBIDDEN: { trpc: "FORBIDDEN", http: 403 },
  NOT_FOUND: { trpc: "NOT_FOUND", http: 404 },
  CONFLICT: { trpc: "CONFLICT", http: 409 },
  PAYLOAD_TOO_LARGE: { trpc: "PAYLOAD_TOO_LARGE", http: 413 },
  LIMIT_EXCEEDED: { trpc: "TOO_MANY_REQUESTS", http: 429 },
  TIMEOUT: { trpc: "TIMEOUT", http: 408 },
  UNAVAILABLE: { trpc: "SERVICE_UNAVAILABLE", http: 503 },
  INTERNAL: { trpc: "INTERNAL_SERVER_ERROR", http: 500 },
};

/** tRPC's own errors (parse errors, unknown procedures, body limits) in domain terms. */
const FROM_TRPC: Partial<Record<TRPC_ERROR_CODE_KEY, ErrorCode>> = {
  PARSE_ERROR: "VALIDATION",
  BAD_REQUEST: "VALIDATION",
  UNAUTHORIZED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  METHOD_NOT_SUPPORTED: "VALIDATION",
  UNSUPPORTED_MEDIA_TYPE: "VALIDATION",
  CONFLICT: "CONFLICT",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  TOO_MANY_REQUESTS: "LIMIT_EXCEEDED",
  TIMEOUT: "TIMEOUT",
  CLIENT_CLOSED_REQUEST: "TIMEOUT",
  SERVICE_UNAVAILABLE: "UNAVAILABLE",
};

export function domainCodeOf(error: TRPCError): ErrorCode {
  if (error.cause instanceof DomainError) return error.cause.code;
  return FROM_TRPC[error.code] ?? "INTERNAL";
}

export function httpStatusOf(code: ErrorCode): number {
  return ERROR_MAP[code].http;
}

/** Turns a domain error into the TRPCError that carries it (the formatter reads the cause). */
export function toTRPCError(error: DomainError): TRPCError {
  return new TRPCError({ code: ERROR_MAP[error.code].trpc, message: error.message, cause: error });
}

const callRequestIds = new WeakMap<object, string>();

/** Marks an error as a failure of the call named `requestId` (see `RequestMeta.nameCall`). */
export function tagCallError(error: object, requestId: string): void {
  callRequestIds.set(error, requestId);
}

/** The id of the call an error failed, when the call had one of its own; else `fallback`. */
export function requestIdOfError(error: object, fallback: string): string {
  return callRequestIds.get(error) ?? fallback;
}

/** The error envelope every failure returns, over tRPC (in `error.data`) and REST (as `error`). */
export interface ErrorEnvelope {
  code: ErrorCode;
  message: string;
  details: Record<string, unknown> | null;
  requestId: string;
}

export const INTERNAL_MESSAGE =
  "Something went wrong on our side. Quote the request id when reporting it.";
