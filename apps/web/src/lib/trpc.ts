import type { AppRouter } from "@genflow/api";
import { httpBatchLink, httpSubscriptionLink, splitLink } from "@trpc/client";
import { createTRPCReact } from "@trpc/react-query";
import superjson from "superjson";

export const trpc = createTRPCReact<AppRouter>();

/** Same-origin client: the session cookie rides along; subscriptions stream over SSE. */
export function createTrpcClient(url = "/trpc") {
  return trpc.createClient({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: httpSubscriptionLink({
          url,
          transformer: superjson,
          eventSourceOptions: { withCredentials: true },
        }),
        false: httpBatchLink({ url, transformer: superjson }),
      }),
    ],
  });
}
