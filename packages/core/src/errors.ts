/**
 * The closed set of domain error codes. Every failure a use case can report is one of these;
 * `packages/api` owns the single mapping from these codes to tRPC codes and HTTP statuses.
 */
export const ERROR_CODES = [
  "VALIDATION",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "PAYLOAD_TOO_LARGE",
  "LIMIT_EXCEEDED",
  "TIMEOUT",
  "UNAVAILABLE",
  "INTERNAL",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface DomainErrorOptions {
  /** Safe, structured details shown to the client (field errors, limits, retry hints). */
  details?: Record<string, unknown>;
  /** The underlying error; logged, never shown. */
  cause?: unknown;
  /** For LIMIT_EXCEEDED: when the caller may try again. */
  retryAfterMs?: number;
}

export class DomainError extends Error {
  override readonly name = "DomainError";
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(code: ErrorCode, message: string, options: DomainErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.details = options.details;
    this.retryAfterMs = options.retryAfterMs;
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}

export const notFound = (what: string, details?: Record<string, unknown>) =>
  new DomainError("NOT_FOUND", `${what} not found`, { details });

export const forbidden = (message = "You are not allowed to do this") =>
  new DomainError("FORBIDDEN", message);

export const unauthorized = (message = "Sign in or provide an API key") =>
  new DomainError("UNAUTHORIZED", message);
