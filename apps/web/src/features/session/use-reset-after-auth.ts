import { useQueryClient } from "@tanstack/react-query";
import { getQueryKey } from "@trpc/react-query";
import { useCallback } from "react";

import { trpc, useLiveSocket } from "../../lib/trpc";
import { clearActivity } from "../live-events/activity-store";

/**
 * After sign-in, sign-up or sign-out nothing cached may belong to the previous user:
 * drop every query except the session, and set or refetch the session itself. The live socket
 * starts over too, so the next subscriptions are made as the new user (or as nobody).
 */
export function useResetAfterAuth() {
  const queryClient = useQueryClient();
  const utils = trpc.useUtils();
  const live = useLiveSocket();
  return useCallback(
    async (signedIn: boolean) => {
      clearActivity();
      await live.restart();
      if (!signedIn) utils.auth.session.setData(undefined, null);
      const sessionPath = JSON.stringify(getQueryKey(trpc.auth.session)[0]);
      queryClient.removeQueries({
        predicate: (query) => JSON.stringify(query.queryKey[0]) !== sessionPath,
      });
      if (signedIn) await utils.auth.session.invalidate();
    },
    [queryClient, utils, live],
  );
}
