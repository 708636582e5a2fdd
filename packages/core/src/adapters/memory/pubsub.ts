import { EventEmitter } from "node:events";

import type { PubSub, Unsubscribe } from "../../ports";

/** Pub/sub within one process: the default when no Redis is configured. */
export class MemoryPubSub implements PubSub {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  publish(channel: string, message: unknown): Promise<void> {
    // Each subscriber gets its own copy, as it would over the wire.
    this.emitter.emit(channel, structuredClone(message));
    return Promise.resolve();
  }

  subscribe(channel: string, listener: (message: unknown) => void): Promise<Unsubscribe> {
    this.emitter.on(channel, listener);
    return Promise.resolve(() => {
      this.emitter.off(channel, listener);
      return Promise.resolve();
    });
  }
}
