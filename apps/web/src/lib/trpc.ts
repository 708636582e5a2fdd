import type { AppRouter } from "@genflow/api";
import {
  createWSClient,
  httpBatchLink,
  httpLink,
  httpSubscriptionLink,
  isNonJsonSerializable,
  splitLink,
  wsLink,
} from "@trpc/client";
import { createTRPCReact } from "@trpc/react-query";
import { createContext, useContext } from "react";
import superjson from "superjson";

import { createSocketWatch, fallbackLink } from "./live-link";

export const trpc = createTRPCReact<AppRouter>();

/** The live socket closes this long after its last subscription ended, in ms. */
const SOCKET_IDLE_CLOSE_MS = 10_000;

/** The socket all of a page's subscriptions share. */
export interface LiveSocket {
  /**
   * Closes the socket; the next subscription opens a new one. The socket is signed in as the
   * browser was when it opened (its cookie rides on the upgrade), so this follows a sign-in or
   * sign-out. Streams that fell back to server-sent events reopen likewise.
   */
  restart(): Promise<void>;
}

/** The WebSocket address of a same-origin path (`/trpc` → `ws://host/trpc`). */
export function webSocketUrlOf(path: string, location: Pick<Location, "protocol" | "host">) {
  return `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}${path}`;
}

/**
 * Same-origin client. Queries and mutations go over HTTP, where the session cookie rides along
 * and sign-in can set it; form data and files (a photo to cut out) go alone through `httpLink`,
 * which sends them as they are, since a batch is JSON.
 *
 * Subscriptions (live events, task updates, replies being written) share one WebSocket per page,
 * opened for the first and closed a while after the last. A browser holds at most six HTTP/1.1
 * connections to one server for all its tabs, and a stream per subscription over HTTP would keep
 * one of them each: a few open tabs would leave none for loading anything. A dropped socket
 * reconnects by itself and each subscription resumes after the last event it received.
 *
 * Where the socket cannot be opened at all (a proxy or firewall that blocks WebSockets), the
 * subscriptions fall back to server-sent events for the rest of the page's life, one stream each.
 */
export function createTrpcClient(url = "/trpc") {
  const watch = createSocketWatch();
  const socket = createWSClient({
    url: () => webSocketUrlOf(url, window.location),
    onOpen: () => watch.opened(),
    onClose: () => watch.closed(),
    lazy: { enabled: true, closeMs: SOCKET_IDLE_CLOSE_MS },
    // A connection that went quiet (a laptop that slept, a proxy that dropped it) is noticed.
    keepAlive: { enabled: true, intervalMs: 15_000, pongTimeoutMs: 10_000 },
  });
  // Given up: stop retrying it; the subscriptions move to server-sent events.
  watch.onFallBack(() => void socket.close());
  const subscriptions = fallbackLink({
    primary: wsLink({ client: socket, transformer: superjson }),
    fallback: httpSubscriptionLink({ url, transformer: superjson }),
    watch,
  });
  const client = trpc.createClient({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: subscriptions.link,
        false: splitLink({
          condition: (op) => isNonJsonSerializable(op.input),
          true: httpLink({ url, transformer: superjson }),
          // The server takes at most 50 calls per batch; more calls at once go in more batches.
          false: httpBatchLink({ url, transformer: superjson, maxItems: 50 }),
        }),
      }),
    ],
  });
  const live: LiveSocket = {
    restart: async () => {
      subscriptions.restarts.restart();
      await socket.close();
    },
  };
  return { client, live };
}

export const LiveSocketContext = createContext<LiveSocket | null>(null);

/** The page's live socket (see {@link createTrpcClient}). */
export function useLiveSocket(): LiveSocket {
  const live = useContext(LiveSocketContext);
  if (!live) throw new Error("useLiveSocket needs a LiveSocketContext provider");
  return live;
}
