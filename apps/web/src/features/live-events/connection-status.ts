/** What a live stream's indicator shows. */
export type ConnectionStatus = "connecting" | "online" | "reconnecting" | "offline";

/** The states of a tRPC `useSubscription`. */
export type SubscriptionStatus = "idle" | "connecting" | "pending" | "error";

/**
 * A live stream's state for people: offline when the browser is or the stream gave up; live while
 * it is open (tRPC calls an open subscription "pending"); reconnecting when it was open before or
 * has failed since; connecting on the first attempt.
 */
export function connectionStatusOf({
  online,
  subscription,
  connectedOnce,
  failed,
}: {
  /** `navigator.onLine`. */
  online: boolean;
  subscription: SubscriptionStatus;
  /** The stream has been open at least once. */
  connectedOnce: boolean;
  /** The subscription reports an error (while it retries). */
  failed: boolean;
}): ConnectionStatus {
  if (!online || subscription === "error") return "offline";
  if (subscription === "pending") return "online";
  if (connectedOnce || failed) return "reconnecting";
  return "connecting";
}
