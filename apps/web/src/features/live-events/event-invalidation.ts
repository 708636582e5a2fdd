import { useCallback } from "react";

import { trpc } from "../../lib/trpc";
import { useTaskCache } from "../tasks/use-task-cache";

/**
 * Which cached data an event makes stale. A page whose data changes through events adds its
 * event prefix here, so every open tab (and every device) shows the change without polling.
 */
export function useEventInvalidation(): (event: {
  type: string;
  data: Record<string, unknown>;
}) => void {
  const utils = trpc.useUtils();
  const taskCache = useTaskCache();
  return useCallback(
    ({ type, data }) => {
      if (type.startsWith("apiKey.")) void utils.auth.apiKeys.list.invalidate();
      if (type.startsWith("article.")) {
        // Lists, search and tags; an open editor follows the change itself.
        void utils.articles.list.invalidate();
        void utils.articles.search.invalidate();
        void utils.articles.tags.invalidate();
      }
      if (type.startsWith("session.") || type.startsWith("user."))
        void utils.auth.session.invalidate();
      // Sign-ins and sign-outs on other devices show up in the list of where you're signed in.
      if (type.startsWith("session.")) void utils.auth.sessions.list.invalidate();
      // A deleted task's own updates end with it; the user's stream says it is gone.
      if (type === "task.deleted" && typeof data["id"] === "string") taskCache.remove(data["id"]);
    },
    [utils, taskCache],
  );
}
