import { useCallback, useMemo, useRef } from "react";

/**
 * A random key that makes a create request safe to send again: the server answers a repeat
 * with what the first one made. `crypto.randomUUID` needs a secure context; plain-HTTP
 * deployments get the same 122 random bits from `getRandomValues`.
 */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * One key per submission: sending the same request again before it succeeded (a retry after a
 * lost answer, a double click) reuses the key, so the server makes one task, not two. Once it
 * succeeded (`reset`), or when the request changes, the next submission gets a new key.
 */
export function useIdempotencyKey(): { keyFor: (request: unknown) => string; reset: () => void } {
  const current = useRef<{ request: string; key: string } | null>(null);
  const keyFor = useCallback((request: unknown) => {
    const text = JSON.stringify(request);
    if (current.current?.request !== text) {
      current.current = { request: text, key: newIdempotencyKey() };
    }
    return current.current.key;
  }, []);
  const reset = useCallback(() => {
    current.current = null;
  }, []);
  return useMemo(() => ({ keyFor, reset }), [keyFor, reset]);
}
