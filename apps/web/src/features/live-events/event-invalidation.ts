import { useCallback } from "react";

import { trpc } from "../../lib/trpc";

/**
 * Which cached data an event makes stale. A page whose data changes through events adds its
 * event prefix here, so every open tab (and every device) shows the change without polling.
 */
export function useEventInvalidation(): (type: string) => void {
  const utils = trpc.useUtils();
  return useCallback(
    (type: string) => {
      if (type.startsWith("apiKey.")) void utils.auth.apiKeys.list.invalidate();
      if (type.startsWith("article.")) {
        // Lists, search and tags; an open editor follows the change itself.
        void utils.articles.list.invalidate();
        void utils.articles.search.invalidate();
        void utils.articles.tags.invalidate();
      }
      if (type.startsWith("session.") || type.startsWith("user."))
        void utils.auth.session.invalidate();
    },
    [utils],
  );
}
