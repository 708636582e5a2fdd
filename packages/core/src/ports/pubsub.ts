export type Unsubscribe = () => Promise<void>;

/**
 * Fan-out of events to every subscriber on any server process. Messages are JSON values.
 * Delivery is at-most-once; anything that must not be lost is also persisted and replayed.
 */
export interface PubSub {
  publish(channel: string, message: unknown): Promise<void>;
  subscribe(channel: string, listener: (message: unknown) => void): Promise<Unsubscribe>;
}
