import type { Redis } from "ioredis";

import type { Logger } from "../../ports";

/** The parts of the product that fall back to in-process behaviour when Redis is unreachable. */
export type RedisComponent = "cache" | "rate-limiter" | "pubsub";

export interface RedisMonitorOptions {
  log: Logger;
  /** Called on every transition: `false` when Redis becomes unreachable, `true` when it is back. */
  onStateChange?: (up: boolean) => void;
  /** Called each time an operation is served by a fallback instead of Redis. */
  onFallback?: (component: RedisComponent) => void;
  /** Minimum pause between warnings about failed commands while the connection looks healthy. */
  failureWarnIntervalMs?: number;
}

/**
 * Tracks whether Redis is reachable, from the events of the command connection, and records
 * fallbacks. It logs one warning when Redis goes away and one info line when it returns, however
 * many requests fall back in between.
 */
export class RedisMonitor {
  private up = false;
  /** `undefined` until the first connection attempt has either succeeded or failed. */
  private reported: boolean | undefined;
  private lastError: Error | undefined;
  private stopped = false;
  private readonly lastFailureWarn = new Map<RedisComponent, number>();
  private readonly log: Logger;

  constructor(
    client: Redis,
    private readonly options: RedisMonitorOptions,
  ) {
    this.log = options.log;
    client.on("ready", () => this.transition(true));
    client.on("close", () => this.transition(false));
    client.on("error", (error: Error) => {
      this.lastError = error;
      this.log.debug({ err: error }, "redis connection error");
    });
  }

  isUp(): boolean {
    return this.up;
  }

  /** An operation could not use Redis and was answered by its fallback. */
  fallback(component: RedisComponent, error?: unknown): void {
    this.notify(() => this.options.onFallback?.(component));
    if (this.stopped) return;
    this.log.debug({ err: error, redisComponent: component }, "redis unavailable; using fallback");
    if (!this.up) return; // the outage itself has already been reported
    // The link looks healthy but a command failed (a stalled server, a timeout): warn, sparingly.
    const now = Date.now();
    const last = this.lastFailureWarn.get(component);
    if (last !== undefined && now - last < (this.options.failureWarnIntervalMs ?? 60_000)) return;
    this.lastFailureWarn.set(component, now);
    this.log.warn(
      { err: error, redisComponent: component },
      "redis command failed; using fallback",
    );
  }

  /** Stops reporting; called before the connections are closed on shutdown. */
  stop(): void {
    this.stopped = true;
  }

  private transition(up: boolean): void {
    if (this.stopped) return;
    this.up = up;
    if (this.reported === up) return;
    const first = this.reported === undefined;
    this.reported = up;
    if (up) {
      this.lastError = undefined;
      this.log.info(first ? "redis connected" : "redis reachable again; leaving degraded mode");
    } else {
      this.log.warn(
        { err: this.lastError },
        "redis unreachable; serving from in-process fallbacks until it returns",
      );
    }
    this.notify(() => this.options.onStateChange?.(up));
  }

  private notify(callback: () => void): void {
    try {
      callback();
    } catch (error) {
      this.log.error({ err: error }, "redis state callback threw");
    }
  }
}
