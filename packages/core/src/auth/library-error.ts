/** An error raised by the auth library's endpoints: an HTTP status and a machine-readable code. */
export interface AuthLibraryError {
  statusCode: number;
  code: string | undefined;
}

/**
 * Recognises the auth library's endpoint errors by shape rather than class, since its plugins
 * may throw from their own copy of the error class.
 */
export function asAuthLibraryError(error: unknown): AuthLibraryError | null {
  if (!(error instanceof Error) || error.name !== "APIError") return null;
  const statusCode: unknown = Reflect.get(error, "statusCode");
  const body: unknown = Reflect.get(error, "body");
  if (typeof statusCode !== "number") return null;
  const code =
    typeof body === "object" && body !== null && typeof Reflect.get(body, "code") === "string"
      ? String(Reflect.get(body, "code"))
      : undefined;
  return { statusCode, code };
}
