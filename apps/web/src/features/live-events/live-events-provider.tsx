import { createContext, useCallback, useContext, useEffect, useMemo, useState } from "react";
import type { ReactNode } from "react";

import { readApiFailure } from "../../lib/errors";
import { trpc } from "../../lib/trpc";
import { useOnline } from "../../lib/use-online";
import { connectionStatusOf } from "./connection-status";
import type { ConnectionStatus } from "./connection-status";
import { addActivity, loadActivity, saveActivity } from "./activity-store";
import type { ActivityEvent } from "./activity-store";
import { useEventInvalidation } from "./event-invalidation";

export type { ConnectionStatus } from "./connection-status";

interface LiveEventsState {
  events: ActivityEvent[];
  status: ConnectionStatus;
  /** True when the stream gave up (not just a dropped connection); `reconnect` starts it again. */
  stopped: boolean;
  reconnect: () => void;
}

const LiveEventsContext = createContext<LiveEventsState | null>(null);

/**
 * One stream of the signed-in user's events for the whole app (`system.onEvents` over the
 * page's live socket). It feeds the activity list, keeps cached queries fresh, and drives the
 * connection indicator. The socket resumes after the last tracked event by itself when the
 * connection drops.
 */
export function LiveEventsProvider({ userId, children }: { userId: string; children: ReactNode }) {
  const [initial] = useState(() => loadActivity(userId));
  const [events, setEvents] = useState<ActivityEvent[]>(initial.events);
  const [connectedOnce, setConnectedOnce] = useState(false);
  const online = useOnline();
  const invalidateFor = useEventInvalidation();
  const utils = trpc.useUtils();

  const input = useMemo(
    () => (initial.lastEventId === null ? {} : { lastEventId: initial.lastEventId }),
    [initial.lastEventId],
  );
  const subscription = trpc.system.onEvents.useSubscription(input, {
    onStarted: () => setConnectedOnce(true),
    onData: ({ data }) => {
      const event: ActivityEvent = {
        id: data.id,
        type: data.type,
        data: data.data,
        createdAt: data.createdAt,
      };
      setEvents((current) => addActivity(current, event));
      invalidateFor(event);
    },
    onError: (error) => {
      // The stream was refused: most likely the session ended, which the guard then handles.
      if (readApiFailure(error).code === "UNAUTHORIZED") void utils.auth.session.invalidate();
    },
  });

  useEffect(() => saveActivity(userId, events), [userId, events]);

  const { reset } = subscription;
  const reconnect = useCallback(() => reset(), [reset]);

  const status = connectionStatusOf({
    online,
    subscription: subscription.status,
    connectedOnce,
    failed: Boolean(subscription.error),
  });

  const value = useMemo<LiveEventsState>(
    () => ({ events, status, stopped: subscription.status === "error", reconnect }),
    [events, status, subscription.status, reconnect],
  );
  return <LiveEventsContext value={value}>{children}</LiveEventsContext>;
}

export function useLiveEvents(): LiveEventsState {
  const state = useContext(LiveEventsContext);
  if (!state) throw new Error("useLiveEvents must be used inside <LiveEventsProvider>");
  return state;
}
