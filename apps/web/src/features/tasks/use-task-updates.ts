import { useCallback, useMemo, useRef, useState } from "react";

import { readApiFailure } from "../../lib/errors";
import { trpc } from "../../lib/trpc";
import { useOnline } from "../../lib/use-online";
import { connectionStatusOf } from "../live-events/connection-status";
import type { ConnectionStatus } from "../live-events/connection-status";
import { useTaskCache } from "./use-task-cache";
import type { TaskUpdate } from "./types";

export interface TaskUpdatesState {
  status: ConnectionStatus;
  /** The stream gave up (not just a dropped connection); `reconnect` starts it again. */
  stopped: boolean;
  reconnect: () => void;
}

/**
 * Watches the caller's tasks live (`tasks.onUpdate` over the page's live socket) and keeps the
 * cached lists and tasks in step. Each update is tracked by its event id, so when the connection
 * drops the socket reconnects and resumes after the last event received: nothing is missed.
 *
 * - Without `taskId`: every task of the caller, from now on. Lists fetched before the stream
 *   opened are fetched again, since updates in between would otherwise be missed.
 * - With `taskId`: that task's whole log from its first event (`lastEventId: 0`), so a watcher
 *   that opens after the task has started (or finished) still sees everything.
 */
export function useTaskUpdates({
  taskId,
  enabled = true,
  onUpdate,
}: {
  taskId?: string | undefined;
  enabled?: boolean;
  onUpdate?: (update: TaskUpdate) => void;
} = {}): TaskUpdatesState {
  const online = useOnline();
  const cache = useTaskCache();
  const utils = trpc.useUtils();
  const [connectedOnce, setConnectedOnce] = useState(false);
  const receivedAny = useRef(false);

  const input = useMemo(() => (taskId ? { taskId, lastEventId: 0 } : {}), [taskId]);
  const subscription = trpc.tasks.onUpdate.useSubscription(input, {
    enabled,
    onStarted: () => {
      setConnectedOnce(true);
      // A stream that resumes after an event it received misses nothing; a fresh one may have.
      if (!taskId && !receivedAny.current) cache.refreshListsBefore(Date.now());
    },
    onData: ({ data }) => {
      receivedAny.current = true;
      const update: TaskUpdate = data;
      cache.apply(update);
      // tRPC calls the latest options given, so this is always the current callback.
      onUpdate?.(update);
    },
    onError: (error) => {
      // Refused: most likely the session ended, which the guard then handles.
      if (readApiFailure(error).code === "UNAUTHORIZED") void utils.auth.session.invalidate();
    },
  });

  const { reset } = subscription;
  const reconnect = useCallback(() => reset(), [reset]);
  return {
    status: connectionStatusOf({
      online,
      subscription: subscription.status,
      connectedOnce,
      failed: Boolean(subscription.error),
    }),
    stopped: subscription.status === "error",
    reconnect,
  };
}
