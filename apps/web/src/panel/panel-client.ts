import type { AppRouter } from "@genflow/api";
import {
  createTRPCUntypedClient,
  httpLink,
  httpSubscriptionLink,
  splitLink,
  TRPCClientError,
  type TRPCUntypedClient,
} from "@trpc/client";
import superjson from "superjson";

import { isRecord } from "./json-schema";

export type PanelClient = TRPCUntypedClient<AppRouter>;

/**
 * Calls procedures by path, unbatched, with the caller's own session cookie: the panel can do
 * exactly what the signed-in user can do and nothing more.
 */
export function createPanelClient(url = "/trpc"): PanelClient {
  return createTRPCUntypedClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: httpSubscriptionLink({ url, transformer: superjson }),
        false: httpLink({
          url,
          transformer: superjson,
          fetch: (input, init) => fetch(input, { ...init, credentials: "same-origin" }),
        }),
      }),
    ],
  });
}

/** A failure as the panel shows it: the API's error envelope, or what is known of a network failure. */
export interface ErrorView {
  code: string;
  message: string;
  details: unknown;
  requestId: string | null;
  httpStatus: number | null;
}

function stringField(source: Record<string, unknown>, key: string): string | null {
  const value = source[key];
  return typeof value === "string" ? value : null;
}

export function toErrorView(error: unknown): ErrorView {
  if (error instanceof TRPCClientError) {
    const data: unknown = error.data;
    if (isRecord(data)) {
      const status = data.httpStatus;
      return {
        code: stringField(data, "code") ?? "INTERNAL",
        message: stringField(data, "message") ?? error.message,
        details: data.details ?? null,
        requestId: stringField(data, "requestId"),
        httpStatus: typeof status === "number" ? status : null,
      };
    }
    return {
      code: "NETWORK",
      message: error.message,
      details: null,
      requestId: null,
      httpStatus: null,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: "INTERNAL", message, details: null, requestId: null, httpStatus: null };
}

/** Reads an error envelope from a REST response body (`{ error: { code, message, ... } }`). */
export function envelopeFromBody(body: unknown, httpStatus: number): ErrorView | null {
  const error = isRecord(body) ? body.error : undefined;
  if (!isRecord(error)) return null;
  return {
    code: stringField(error, "code") ?? "INTERNAL",
    message: stringField(error, "message") ?? "",
    details: error.details ?? null,
    requestId: stringField(error, "requestId"),
    httpStatus,
  };
}
