import type { AppRouter } from "@genflow/api";
import { createWSClient, TRPCClientError, wsLink, type TRPCLink } from "@trpc/client";
import { observable } from "@trpc/server/observable";
import superjson from "superjson";
import { WebSocket } from "ws";

import type { HeadersOption } from "./transport";
import { resolveHeaders } from "./transport";

/** The socket closes this long after its last call or subscription ended, in ms. */
export const WEBSOCKET_IDLE_CLOSE_MS = 5_000;

/** The WebSocket address of a tRPC endpoint (`http…/trpc` → `ws…/trpc`). */
export function webSocketUrlOf(endpoint: string): string {
  const url = new URL(endpoint);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
}

/**
 * Fails a query or mutation that has no answer after `timeoutMs` with a `TimeoutError` (as the HTTP
 * transport's calls do); subscriptions are long-lived and not limited.
 */
export function timeoutLink(timeoutMs: number): TRPCLink<AppRouter> {
  return () =>
    ({ op, next }) =>
      observable((observer) => {
        const subscription = next(op).subscribe(observer);
        if (op.type === "subscription" || !Number.isFinite(timeoutMs) || timeoutMs <= 0) {
          return () => subscription.unsubscribe();
        }
        const timer = setTimeout(() => {
          subscription.unsubscribe();
          observer.error(
            TRPCClientError.from(
              new DOMException(
                `The request did not complete within ${timeoutMs} ms`,
                "TimeoutError",
              ),
            ),
          );
        }, timeoutMs);
        return () => {
          clearTimeout(timer);
          subscription.unsubscribe();
        };
      });
}

/**
 * Calls and subscriptions over one WebSocket to `endpoint`: connected on the first call, closed
 * {@link WEBSOCKET_IDLE_CLOSE_MS} after the last one, reconnected (subscriptions resuming from
 * their last event) when the connection drops. The API key goes as the `authorization`
 * connection parameter, read once per connection.
 */
export function webSocketLink(options: {
  endpoint: string;
  apiKey: string | undefined;
  headers: HeadersOption | undefined;
}): TRPCLink<AppRouter> {
  const client = createWSClient({
    url: webSocketUrlOf(options.endpoint),
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    lazy: { enabled: true, closeMs: WEBSOCKET_IDLE_CLOSE_MS },
    connectionParams: async () => {
      const { authorization } = await resolveHeaders(options.headers, options.apiKey);
      return authorization ? { authorization } : null;
    },
  });
  return wsLink<AppRouter>({ client, transformer: superjson });
}
