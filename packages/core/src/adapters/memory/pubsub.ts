import type { Logger, PubSub, Unsubscribe } from "../../ports";
import { encodeJson, settle } from "../json";

type Listener = (message: unknown) => void;

export interface MemoryPubSubOptions {
  /** Where a throwing listener is reported; the other listeners still receive the message. */
  log?: Logger;
}

/** Pub/sub within one process: the default when no Redis is configured. */
export class MemoryPubSub implements PubSub {
  /** Each subscription is its own entry, so one function subscribed twice is delivered twice. */
  private readonly channels = new Map<string, Set<{ listener: Listener }>>();

  constructor(private readonly options: MemoryPubSubOptions = {}) {}

  /** Resolves once every current subscriber has been handed the message. */
  publish(channel: string, message: unknown): Promise<void> {
    return settle(() => {
      const json = encodeJson(message);
      if (json === undefined) throw new TypeError("Pub/sub messages must be JSON values");
      const subscriptions = this.channels.get(channel);
      if (!subscriptions) return;
      for (const subscription of [...subscriptions]) {
        try {
          // Each subscriber gets its own copy, in the shape it would have after crossing the wire.
          subscription.listener(JSON.parse(json));
        } catch (error) {
          this.reportListenerError(channel, error);
        }
      }
    });
  }

  subscribe(channel: string, listener: Listener): Promise<Unsubscribe> {
    const subscription = { listener };
    let subscriptions = this.channels.get(channel);
    if (!subscriptions) {
      subscriptions = new Set();
      this.channels.set(channel, subscriptions);
    }
    subscriptions.add(subscription);
    return Promise.resolve(() => {
      const current = this.channels.get(channel);
      if (current?.delete(subscription) && current.size === 0) this.channels.delete(channel);
      return Promise.resolve();
    });
  }

  private reportListenerError(channel: string, error: unknown): void {
    if (this.options.log) {
      this.options.log.error({ err: error, channel }, "pub/sub listener threw");
    } else {
      process.emitWarning(`pub/sub listener on "${channel}" threw: ${String(error)}`);
    }
  }
}
