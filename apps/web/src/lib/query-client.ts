import { MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";

import { readApiFailure } from "./errors";

/** Per-query/mutation options read by the global error handling. */
interface AppMeta extends Record<string, unknown> {
  /** Set to false when the page shows the error inline instead of as a toast. */
  errorToast?: boolean;
}

declare module "@tanstack/react-query" {
  interface Register {
    queryMeta: AppMeta;
    mutationMeta: AppMeta;
  }
}

export interface QueryErrorHandlers {
  /** Any failure the page does not show itself. */
  onError: (error: unknown) => void;
  /** The session ended or was revoked while the app was open. */
  onUnauthorized: () => void;
}

/** Failures worth retrying: the server was unreachable, overloaded or timed out. */
function isTransient(error: unknown): boolean {
  const { code } = readApiFailure(error);
  return code === "NETWORK" || code === "UNAVAILABLE" || code === "TIMEOUT";
}

export function createQueryClient(handlers: QueryErrorHandlers): QueryClient {
  const report = (error: unknown, meta: AppMeta | undefined) => {
    if (readApiFailure(error).code === "UNAUTHORIZED") {
      handlers.onUnauthorized();
      return;
    }
    if (meta?.errorToast === false) return;
    handlers.onError(error);
  };
  return new QueryClient({
    queryCache: new QueryCache({ onError: (error, query) => report(error, query.meta) }),
    mutationCache: new MutationCache({
      onError: (error, _variables, _context, mutation) => report(error, mutation.meta),
    }),
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        retry: (failures, error) => failures < 3 && isTransient(error),
      },
      mutations: { retry: false },
    },
  });
}
