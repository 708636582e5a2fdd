import type { AppRouter } from "@genflow/api";
import {
  httpBatchLink,
  httpLink,
  httpSubscriptionLink,
  isNonJsonSerializable,
  splitLink,
} from "@trpc/client";
import { createTRPCReact } from "@trpc/react-query";
import superjson from "superjson";

export const trpc = createTRPCReact<AppRouter>();

/**
 * Same-origin client: the session cookie rides along; subscriptions stream over SSE; form data
 * and files (a photo to cut out) go alone through `httpLink`, which sends them as they are, since
 * a batch is JSON.
 */
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
        false: splitLink({
          condition: (op) => isNonJsonSerializable(op.input),
          true: httpLink({ url, transformer: superjson }),
          // The server takes at most 50 calls per batch; more calls at once go in more batches.
          false: httpBatchLink({ url, transformer: superjson, maxItems: 50 }),
        }),
      }),
    ],
  });
}
