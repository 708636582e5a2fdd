import { afterEach, beforeEach, describe, expect, it } from "vitest";

import {
  createRedisAdapters,
  type RedisAdapters,
  type RedisComponent,
} from "../src/adapters/redis";
import {
  freePort,
  randomPrefix,
  recordingLogger,
  sleep,
  ThrowawayRedis,
  waitFor,
  type LogEntry,
} from "./adapters-helpers";

/**
 * Redis going away at run time: a redis-server owned by the test is killed and restarted on the
 * same port while the adapters are in use.
 */
describe("redis adapters when redis goes away", () => {
  let server: ThrowawayRedis;
  const opened: RedisAdapters[] = [];

  beforeEach(async () => {
    server = new ThrowawayRedis(await freePort());
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((a) => a.close()));
    await server.kill();
  });

  function open(
    keyPrefix: string,
    extra: { entries?: LogEntry[]; states?: boolean[]; fallbacks?: RedisComponent[] } = {},
  ) {
    const { log } = recordingLogger(extra.entries);
    return createRedisAdapters({
      url: server.url,
      keyPrefix,
      policies: { api: { points: 3, durationSec: 60 } },
      log,
      commandTimeoutMs: 500,
      maxReconnectDelayMs: 200,
      startupWaitMs: 5000,
      onStateChange: (up) => extra.states?.push(up),
      onFallback: (component) => extra.fallbacks?.push(component),
    }).then((adapters) => {
      opened.push(adapters);
      return adapters;
    });
  }

  it("keeps answering while redis is down and recovers, re-subscribing, when it returns", async () => {
    await server.start();
    const prefix = randomPrefix();
    const entries: LogEntry[] = [];
    const states: boolean[] = [];
    const fallbacks: RedisComponent[] = [];
    const app = await open(prefix, { entries, states, fallbacks });
    const peer = await open(prefix); // another process of the same deployment
    expect(app.isUp()).toBe(true);
    expect(await app.health.check()).toMatchObject({ ok: true });
    expect(app.health).toMatchObject({ name: "redis", required: false });

    const received: unknown[] = [];
    await peer.pubsub.subscribe("events", (m) => received.push(m));
    await app.pubsub.publish("events", "before");
    await waitFor(() => received.length === 1, 5000, "delivery before the outage");
    await app.cache.set("k", "cached", 60_000);
    expect(await app.cache.get("k")).toBe("cached");

    await server.kill();
    await waitFor(() => !app.isUp(), 5000, "the outage to be noticed");

    // Everything answers, quickly, from the fallbacks.
    const started = Date.now();
    expect(await app.cache.get("k")).toBeUndefined();
    await app.cache.set("k", "dropped", 60_000);
    await app.cache.delete("k");
    const limits = [];
    for (let i = 0; i < 4; i++) limits.push(await app.rateLimiter.consume("api", "user:1"));
    expect(limits.map((r) => r.allowed)).toEqual([true, true, true, false]);
    expect(limits[3]?.retryAfterMs).toBeGreaterThan(0);
    await app.rateLimiter.reset("api", "user:1");
    expect((await app.rateLimiter.consume("api", "user:1")).allowed).toBe(true);
    await app.pubsub.publish("events", "lost");
    expect(await app.health.check()).toMatchObject({ ok: false });
    expect(Date.now() - started).toBeLessThan(1000);

    expect(new Set(fallbacks)).toEqual(new Set(["cache", "rate-limiter", "pubsub"]));
    const warnings = entries.filter((e) => e.level === "warn");
    expect(warnings).toHaveLength(1); // one for the outage, not one per request
    expect(warnings[0]?.message).toMatch(/unreachable/);

    await server.start();
    await waitFor(() => app.isUp(), 10_000, "reconnection");
    expect(states).toEqual([true, false, true]);
    expect(entries.filter((e) => e.level === "info" && /again/.test(e.message ?? ""))).toHaveLength(
      1,
    );
    expect(entries.filter((e) => e.level === "warn")).toHaveLength(1);

    // The peer's subscription is restored on its own; keep publishing until it is.
    let n = 0;
    await waitFor(
      async () => {
        await app.pubsub.publish("events", `after-${n++}`);
        return received.some((m) => typeof m === "string" && m.startsWith("after-"));
      },
      10_000,
      "delivery after the restart",
    );
    expect(received).not.toContain("lost");

    await app.cache.set("k", "back", 60_000);
    expect(await app.cache.get("k")).toBe("back");
    expect(await app.rateLimiter.consume("api", "user:9")).toMatchObject({
      allowed: true,
      remaining: 2,
    });
    expect(await app.health.check()).toMatchObject({ ok: true });
  });

  it("starts degraded when redis is not there yet, and connects when it appears", async () => {
    const prefix = randomPrefix();
    const states: boolean[] = [];
    const entries: LogEntry[] = [];
    const startedAt = Date.now();
    const { log } = recordingLogger(entries);
    const app = await createRedisAdapters({
      url: server.url,
      keyPrefix: prefix,
      policies: { api: { points: 1, durationSec: 60 } },
      log,
      startupWaitMs: 300,
      maxReconnectDelayMs: 200,
      onStateChange: (up) => states.push(up),
    });
    opened.push(app);
    expect(Date.now() - startedAt).toBeLessThan(2000);
    expect(app.isUp()).toBe(false);
    expect(states).toEqual([false]);
    expect(await app.cache.get("k")).toBeUndefined();
    expect((await app.rateLimiter.consume("api", "k")).allowed).toBe(true);
    expect((await app.rateLimiter.consume("api", "k")).allowed).toBe(false);

    // Subscribing while Redis is away takes effect once it is there.
    const received: unknown[] = [];
    await app.pubsub.subscribe("events", (m) => received.push(m));

    await server.start();
    await waitFor(() => app.isUp(), 10_000, "the first connection");
    expect(states).toEqual([false, true]);
    let n = 0;
    await waitFor(
      async () => {
        await app.pubsub.publish("events", n++);
        return received.length > 0;
      },
      10_000,
      "delivery once redis is there",
    );
    expect(entries.filter((e) => e.level === "warn")).toHaveLength(1);
  });

  it("does not hang callers when the server stops answering on an open connection", async () => {
    await server.start();
    const prefix = randomPrefix();
    const fallbacks: RedisComponent[] = [];
    const app = await open(prefix, { fallbacks });
    expect(app.isUp()).toBe(true);

    server.pause();
    try {
      const started = Date.now();
      expect(await app.cache.get("k")).toBeUndefined();
      expect((await app.rateLimiter.consume("api", "k")).allowed).toBe(true);
      await app.pubsub.publish("events", 1);
      // Three commands, each bounded by the 500 ms command timeout.
      expect(Date.now() - started).toBeLessThan(2500);
      expect(fallbacks).toEqual(["cache", "rate-limiter", "pubsub"]);
    } finally {
      server.resume();
    }
    await sleep(50);
  });
});
