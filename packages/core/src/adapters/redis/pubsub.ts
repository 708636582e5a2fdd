import type { Redis } from "ioredis";

import type { Logger, PubSub, Unsubscribe } from "../../ports";
import { encodeJson } from "../json";
import type { RedisMonitor } from "./monitor";

type Listener = (message: unknown) => void;

interface Channel {
  subscriptions: Set<{ listener: Listener }>;
  /** The SUBSCRIBE in flight for this channel, so later subscribers wait for it as well. */
  subscribing: Promise<unknown>;
}

export interface RedisPubSubOptions {
  /** Prepended to every channel, e.g. `genflow:` → `genflow:user:42:events`. */
  keyPrefix: string;
  monitor: RedisMonitor;
  log: Logger;
}

/**
 * Pub/sub across processes. Publishing uses the shared command connection; receiving uses one
 * dedicated subscriber connection per process, with every channel's listeners multiplexed onto
 * it. The channels this process wants are kept here and subscribed again each time the
 * subscriber connection becomes ready, so subscriptions survive a Redis restart.
 *
 * Delivery is at-most-once: messages published while Redis is unreachable are dropped (and
 * counted as fallbacks), which is why anything that matters is also persisted and replayed.
 */
export class RedisPubSub implements PubSub {
  private readonly channels = new Map<string, Channel>();
  private closed = false;

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly options: RedisPubSubOptions,
  ) {
    subscriber.on("message", (channel: string, raw: string) => this.deliver(channel, raw));
    subscriber.on("ready", () => this.resubscribe());
    // Connection errors are reported by the monitor; this keeps ioredis from printing them itself.
    subscriber.on("error", (error: Error) => {
      this.options.log.debug({ err: error }, "redis subscriber connection error");
    });
  }

  async publish(channel: string, message: unknown): Promise<void> {
    const json = encodeJson(message);
    if (json === undefined) throw new TypeError("Pub/sub messages must be JSON values");
    try {
      await this.publisher.publish(this.channelName(channel), json);
    } catch (error) {
      this.options.monitor.fallback("pubsub", error);
    }
  }

  /**
   * Resolves once Redis has confirmed the subscription, so a message published afterwards is
   * delivered. While Redis is unreachable it resolves at once, and the subscription takes effect
   * when Redis returns.
   */
  async subscribe(channel: string, listener: Listener): Promise<Unsubscribe> {
    if (this.closed) throw new Error("pub/sub is closed");
    const name = this.channelName(channel);
    const subscription = { listener };
    let entry = this.channels.get(name);
    if (!entry) {
      entry = { subscriptions: new Set(), subscribing: this.sendSubscribe([name]) };
      this.channels.set(name, entry);
    }
    entry.subscriptions.add(subscription);
    await entry.subscribing;

    let active = true;
    return async () => {
      if (!active) return;
      active = false;
      const current = this.channels.get(name);
      if (!current?.subscriptions.delete(subscription) || current.subscriptions.size > 0) return;
      this.channels.delete(name);
      if (this.subscriber.status !== "ready") return; // nothing to undo; it will not be re-subscribed
      await this.subscriber.unsubscribe(name).catch((error: unknown) => {
        this.options.log.debug({ err: error, channel: name }, "redis unsubscribe failed");
      });
    };
  }

  /** Drops every subscription; the connections themselves are closed by their owner. */
  close(): void {
    this.closed = true;
    this.channels.clear();
  }

  private channelName(channel: string): string {
    return `${this.options.keyPrefix}${channel}`;
  }

  /** Sends SUBSCRIBE; `false` when it could not, in which case the next `ready` retries it. */
  private async sendSubscribe(names: string[]): Promise<boolean> {
    if (this.subscriber.status !== "ready") {
      this.options.monitor.fallback("pubsub");
      return false;
    }
    try {
      await this.subscriber.subscribe(...names);
      return true;
    } catch (error) {
      this.options.monitor.fallback("pubsub", error);
      return false;
    }
  }

  private resubscribe(): void {
    if (this.closed || this.channels.size === 0) return;
    const names = [...this.channels.keys()];
    const subscribing = this.sendSubscribe(names).then((ok) => {
      if (ok) this.options.log.debug({ channels: names.length }, "redis subscriptions restored");
    });
    for (const name of names) {
      const entry = this.channels.get(name);
      if (entry) entry.subscribing = subscribing;
    }
  }

  private deliver(channel: string, raw: string): void {
    const entry = this.channels.get(channel);
    if (!entry) return;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (error) {
      this.options.log.warn({ err: error, channel }, "dropped a pub/sub message that is not JSON");
      return;
    }
    let first = true;
    for (const subscription of [...entry.subscriptions]) {
      // Each subscriber gets its own copy.
      const copy = first ? json : (JSON.parse(raw) as unknown);
      first = false;
      try {
        subscription.listener(copy);
      } catch (error) {
        this.options.log.error({ err: error, channel }, "pub/sub listener threw");
      }
    }
  }
}
