import type { AppRouter } from "@genflow/api";
import {
  createTRPCClient,
  httpBatchLink,
  httpLink,
  httpSubscriptionLink,
  isNonJsonSerializable,
  retryLink,
  splitLink,
  type TRPCClient,
} from "@trpc/client";
import { EventSource } from "eventsource";
import superjson from "superjson";

import {
  type FetchLike,
  type HeadersOption,
  isRetryableFailure,
  resolveHeaders,
  withTimeout,
} from "./transport";
import { timeoutLink, webSocketLink } from "./websocket";

export interface GenflowClientOptions {
  /**
   * The GenFlow server, e.g. `https://genflow.example.com`. Calls go to its `/trpc` endpoint
   * (a URL that already ends in `/trpc` is used as it is).
   */
  url: string;
  /** Sent as `Authorization: Bearer <apiKey>` on every call and subscription. */
  apiKey?: string | undefined;
  /** A `fetch` implementation; defaults to the global one. Used for calls and subscriptions. */
  fetch?: FetchLike | undefined;
  /** Extra headers for every request, or a function returning them (called per request). */
  headers?: HeadersOption | undefined;
  /**
   * How long a query or mutation may take, in ms, before it fails with a `TimeoutError`.
   * Default 30 000; `0` disables the limit. Subscriptions are long-lived and not limited.
   */
  timeoutMs?: number | undefined;
  /** Pause before the single retry of a call that failed at the network level, in ms. Default 250. */
  retryDelayMs?: number | undefined;
  /**
   * `"http"` (default): calls over HTTP (batched), each subscription its own Server-Sent Events
   * stream. `"websocket"`: calls and subscriptions share one WebSocket (`ws…/trpc`), so many
   * subscriptions at once cost one connection; it is opened on the first call and closed 5 s
   * after the last one ends. File uploads and `auth.*` calls (which set cookies) still go over
   * HTTP. Only the API key (or an `authorization` header) is sent on the socket.
   */
  transport?: "http" | "websocket" | undefined;
}

/** The typed client: `client.system.info.query()`, `client.system.onEvents.subscribe(...)`, … */
export type GenflowClient = TRPCClient<AppRouter>;

export const DEFAULT_TIMEOUT_MS = 30_000;

/** The tRPC endpoint for a server URL. */
export function endpointOf(url: string): string {
  const parsed = new URL(url);
  const path = parsed.pathname.replace(/\/+$/, "");
  parsed.pathname = path.endsWith("/trpc") ? path : `${path}/trpc`;
  return parsed.toString().replace(/\/$/, "");
}

/**
 * Creates a typed GenFlow client. Queries and mutations are batched over HTTP with a per-request
 * timeout and one retry after a network failure (never for a mutation that may have reached the
 * server); subscriptions stream over Server-Sent Events and resume from the last event after a
 * reconnect. With `transport: "websocket"` calls and subscriptions share one WebSocket instead.
 * Nothing connects until the first call.
 *
 * ```ts
 * const client = createGenflowClient({ url: "https://genflow.example.com", apiKey: process.env.GENFLOW_API_KEY });
 * const { user } = await client.system.info.query();
 * const sub = client.system.onEvents.subscribe(undefined, { onData: ({ data }) => console.log(data.type) });
 * ```
 */
export function createGenflowClient(options: GenflowClientOptions): GenflowClient {
  const url = endpointOf(options.url);
  const baseFetch: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const retryDelayMs = options.retryDelayMs ?? 250;
  const headers = () => resolveHeaders(options.headers, options.apiKey);

  const http = splitLink<AppRouter>({
    condition: (op) => op.type === "subscription",
    true: httpSubscriptionLink({
      url,
      transformer: superjson,
      EventSource,
      eventSourceOptions: async () => {
        const extra = await headers();
        return {
          fetch: (input, init) =>
            baseFetch(input, { ...init, headers: { ...init.headers, ...extra } }),
        };
      },
    }),
    false: [
      retryLink({
        retry: ({ op, error, attempts }) =>
          attempts < 2 && !op.signal?.aborted && isRetryableFailure(op.type, error),
        retryDelayMs: () => retryDelayMs,
      }),
      // Files (FormData, e.g. `cutout.process`) go one per request; the rest is batched.
      splitLink({
        condition: (op) => isNonJsonSerializable(op.input),
        true: httpLink({
          url,
          transformer: superjson,
          fetch: withTimeout(baseFetch, timeoutMs),
          headers,
        }),
        false: httpBatchLink({
          url,
          transformer: superjson,
          fetch: withTimeout(baseFetch, timeoutMs),
          headers,
          // The server takes at most 50 calls per batch; more calls at once go in more batches.
          maxItems: 50,
        }),
      }),
    ],
  });
  if (options.transport !== "websocket") return createTRPCClient<AppRouter>({ links: [http] });
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) =>
          !op.path.startsWith("auth.") &&
          !(op.type !== "subscription" && isNonJsonSerializable(op.input)),
        true: [
          timeoutLink(timeoutMs),
          webSocketLink({ endpoint: url, apiKey: options.apiKey, headers: options.headers }),
        ],
        false: http,
      }),
    ],
  });
}
