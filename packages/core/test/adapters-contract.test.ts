import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import type { Cache, PubSub, RateLimiter, RateLimitPolicy } from "../src/ports";
import { createMemoryAdapters, type MemoryAdapters } from "../src/adapters/memory";
import { createRedisAdapters } from "../src/adapters/redis";
import {
  deleteKeys,
  randomPrefix,
  recordingLogger,
  redisReachable,
  sleep,
  waitFor,
} from "./adapters-helpers";

/**
 * One set of behaviours every cache / rate-limiter / pub/sub backend must show. `open(namespace)`
 * returns adapters as another process would see them: the same namespace shares state (one
 * deployment), a different namespace shares nothing (another deployment on the same server).
 */
interface Backend {
  open(namespace: string): Promise<{ cache: Cache; rateLimiter: RateLimiter; pubsub: PubSub }>;
  closeAll(): Promise<void>;
}

const policies: Record<string, RateLimitPolicy> = {
  three: { points: 3, durationSec: 60 },
  second: { points: 1, durationSec: 1 },
  blocking: { points: 1, durationSec: 1, blockDurationSec: 30 },
};

function memoryBackend(): Backend {
  // In-process adapters have no wire: one namespace is one instance shared by its users.
  const instances = new Map<string, MemoryAdapters>();
  return {
    open(namespace) {
      let adapters = instances.get(namespace);
      if (!adapters) {
        adapters = createMemoryAdapters({ policies, log: recordingLogger().log });
        instances.set(namespace, adapters);
      }
      return Promise.resolve(adapters);
    },
    async closeAll() {
      await Promise.all([...instances.values()].map((a) => a.close()));
      instances.clear();
    },
  };
}

function redisBackend(url: string): Backend {
  const base = randomPrefix();
  const opened: { close(): Promise<void> }[] = [];
  return {
    // Every call is a separate pair of connections, as a separate process would have.
    async open(namespace) {
      const adapters = await createRedisAdapters({
        url,
        keyPrefix: `${base}${namespace}:`,
        policies,
        log: recordingLogger().log,
      });
      expect(adapters.isUp()).toBe(true);
      opened.push(adapters);
      return adapters;
    },
    async closeAll() {
      await Promise.all(opened.splice(0).map((a) => a.close()));
      await deleteKeys(url, base);
    },
  };
}

const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const redisUp = await redisReachable(redisUrl);

const backends: [string, () => Backend, boolean][] = [
  ["memory", memoryBackend, true],
  ["redis", () => redisBackend(redisUrl), redisUp],
];

for (const [name, makeBackend, available] of backends) {
  describe.skipIf(!available)(`${name} adapters`, () => {
    let backend: Backend;
    beforeAll(() => {
      backend = makeBackend();
    });
    afterEach(async () => {
      await backend.closeAll();
    });

    describe("cache", () => {
      it("returns what was stored, in its JSON form, as a fresh copy each time", async () => {
        const { cache } = await backend.open("a");
        const value = {
          name: "card",
          tags: ["x", "y"],
          nested: { n: 1.5, ok: true, none: null },
          at: new Date(0),
        };
        await cache.set("k", value, 10_000);

        const read = await cache.get<Record<string, unknown>>("k");
        expect(read).toEqual({
          name: "card",
          tags: ["x", "y"],
          nested: { n: 1.5, ok: true, none: null },
          at: "1970-01-01T00:00:00.000Z",
        });
        if (read) read.name = "changed";
        expect(await cache.get("k")).toMatchObject({ name: "card" });
        await cache.set("scalar", 42, 10_000);
        expect(await cache.get("scalar")).toBe(42);
      });

      it("misses on unknown keys and after delete", async () => {
        const { cache } = await backend.open("a");
        expect(await cache.get("missing")).toBeUndefined();
        await cache.set("k", "v", 10_000);
        expect(await cache.get("k")).toBe("v");
        await cache.delete("k");
        expect(await cache.get("k")).toBeUndefined();
        await cache.delete("never-set");
      });

      it("expires entries after their TTL", async () => {
        const { cache } = await backend.open("a");
        await cache.set("short", "v", 150);
        await cache.set("long", "v", 10_000);
        expect(await cache.get("short")).toBe("v");
        await sleep(300);
        expect(await cache.get("short")).toBeUndefined();
        expect(await cache.get("long")).toBe("v");
        await cache.set("expired", "v", 0);
        expect(await cache.get("expired")).toBeUndefined();
      });

      it("overwrites a key, resetting its TTL", async () => {
        const { cache } = await backend.open("a");
        await cache.set("k", 1, 150);
        await cache.set("k", 2, 10_000);
        await sleep(300);
        expect(await cache.get("k")).toBe(2);
      });

      it("shares entries within a namespace and isolates namespaces", async () => {
        const a = await backend.open("a");
        const a2 = await backend.open("a");
        const b = await backend.open("b");
        await a.cache.set("k", "from-a", 10_000);
        expect(await a2.cache.get("k")).toBe("from-a");
        expect(await b.cache.get("k")).toBeUndefined();
      });
    });

    describe("rate limiter", () => {
      it("allows the policy's points, then rejects with a retry hint", async () => {
        const { rateLimiter } = await backend.open("a");
        const results = [];
        for (let i = 0; i < 4; i++) results.push(await rateLimiter.consume("three", "user:1"));
        expect(results.map((r) => [r.allowed, r.remaining, r.limit])).toEqual([
          [true, 2, 3],
          [true, 1, 3],
          [true, 0, 3],
          [false, 0, 3],
        ]);
        expect(results[0]?.retryAfterMs).toBe(0);
        const rejected = results[3];
        expect(rejected?.retryAfterMs).toBeGreaterThan(0);
        expect(rejected?.retryAfterMs).toBeLessThanOrEqual(60_000);
        // Other keys are counted separately.
        expect((await rateLimiter.consume("three", "user:2")).allowed).toBe(true);
      });

      it("counts a cost above one as that many points", async () => {
        const { rateLimiter } = await backend.open("a");
        const first = await rateLimiter.consume("three", "k", 2);
        expect(first).toMatchObject({ allowed: true, remaining: 1 });
        const second = await rateLimiter.consume("three", "k", 2);
        expect(second.allowed).toBe(false);
        expect(second.retryAfterMs).toBeGreaterThan(0);
      });

      it("forgets a key on reset", async () => {
        const { rateLimiter } = await backend.open("a");
        for (let i = 0; i < 3; i++) await rateLimiter.consume("three", "k");
        expect((await rateLimiter.consume("three", "k")).allowed).toBe(false);
        await rateLimiter.reset("three", "k");
        expect(await rateLimiter.consume("three", "k")).toMatchObject({
          allowed: true,
          remaining: 2,
        });
      });

      it("allows again once the window has passed", async () => {
        const { rateLimiter } = await backend.open("a");
        expect((await rateLimiter.consume("second", "k")).allowed).toBe(true);
        const rejected = await rateLimiter.consume("second", "k");
        expect(rejected.allowed).toBe(false);
        expect(rejected.retryAfterMs).toBeLessThanOrEqual(1000);
        await sleep(rejected.retryAfterMs + 100);
        expect((await rateLimiter.consume("second", "k")).allowed).toBe(true);
      });

      it("keeps a spent key blocked for blockDurationSec", async () => {
        const { rateLimiter } = await backend.open("a");
        await rateLimiter.consume("blocking", "k");
        const blocked = await rateLimiter.consume("blocking", "k");
        expect(blocked.allowed).toBe(false);
        expect(blocked.retryAfterMs).toBeGreaterThan(25_000);
      });

      it("shares counts within a namespace and isolates namespaces", async () => {
        const a = await backend.open("a");
        const a2 = await backend.open("a");
        const b = await backend.open("b");
        await a.rateLimiter.consume("three", "k", 3);
        expect((await a2.rateLimiter.consume("three", "k")).allowed).toBe(false);
        expect((await b.rateLimiter.consume("three", "k")).allowed).toBe(true);
      });

      it("rejects unknown policies and costs that are not positive integers", async () => {
        const { rateLimiter } = await backend.open("a");
        await expect(rateLimiter.consume("nope", "k")).rejects.toThrow(/Unknown rate-limit policy/);
        await expect(rateLimiter.reset("nope", "k")).rejects.toThrow(/Unknown rate-limit policy/);
        await expect(rateLimiter.consume("three", "k", 0)).rejects.toThrow(RangeError);
        await expect(rateLimiter.consume("three", "k", 1.5)).rejects.toThrow(RangeError);
      });
    });

    describe("pub/sub", () => {
      it("delivers to subscribers of two separate instances", async () => {
        const a = await backend.open("a");
        const b = await backend.open("a");
        const gotA: unknown[] = [];
        const gotB: unknown[] = [];
        await a.pubsub.subscribe("room", (m) => gotA.push(m));
        await b.pubsub.subscribe("room", (m) => gotB.push(m));

        await a.pubsub.publish("room", { n: 1, at: new Date(0) });
        await b.pubsub.publish("room", { n: 2 });
        await waitFor(() => gotA.length === 2 && gotB.length === 2, 5000, "both messages on both");
        expect(gotA).toEqual([{ n: 1, at: "1970-01-01T00:00:00.000Z" }, { n: 2 }]);
        expect(gotB).toEqual(gotA);
      });

      it("gives every listener its own copy and survives a throwing listener", async () => {
        const { pubsub } = await backend.open("a");
        const got: Record<string, unknown>[] = [];
        await pubsub.subscribe("room", () => {
          throw new Error("listener failure");
        });
        await pubsub.subscribe("room", (m) => {
          const message = m as Record<string, unknown>;
          message.seen = true;
          got.push(message);
        });
        await pubsub.subscribe("room", (m) => got.push(m as Record<string, unknown>));
        await pubsub.publish("room", { n: 1 });
        await waitFor(() => got.length === 2, 5000, "two deliveries");
        expect(got).toEqual([{ n: 1, seen: true }, { n: 1 }]);
      });

      it("stops delivering after unsubscribe", async () => {
        const publisher = await backend.open("a");
        const receiver = await backend.open("a");
        const gotPublisher: unknown[] = [];
        const gotFirst: unknown[] = [];
        const gotSecond: unknown[] = [];
        await publisher.pubsub.subscribe("room", (m) => gotPublisher.push(m));
        const offFirst = await receiver.pubsub.subscribe("room", (m) => gotFirst.push(m));
        const offSecond = await receiver.pubsub.subscribe("room", (m) => gotSecond.push(m));

        await offFirst();
        await offFirst(); // a second call is harmless
        await publisher.pubsub.publish("room", 1);
        // Both listeners share one delivery, so once the second has it the first would have too.
        await waitFor(() => gotSecond.length === 1, 5000, "delivery to the remaining listener");
        expect(gotFirst).toEqual([]);

        await offSecond();
        await publisher.pubsub.publish("room", 2);
        await waitFor(
          () => gotPublisher.length === 2,
          5000,
          "delivery to the publisher's own listener",
        );
        await sleep(100);
        expect(gotSecond).toEqual([1]);
        expect(gotPublisher).toEqual([1, 2]);
      });

      it("keeps channels apart: by name and by namespace", async () => {
        const a = await backend.open("a");
        const b = await backend.open("b");
        const inA: unknown[] = [];
        const otherChannel: unknown[] = [];
        const inB: unknown[] = [];
        await a.pubsub.subscribe("room", (m) => inA.push(m));
        await a.pubsub.subscribe("other", (m) => otherChannel.push(m));
        await b.pubsub.subscribe("room", (m) => inB.push(m));

        await b.pubsub.publish("room", "for-b");
        await a.pubsub.publish("room", "for-a");
        await waitFor(
          () => inA.length === 1 && inB.length === 1,
          5000,
          "one message per namespace",
        );
        await sleep(100);
        expect(inA).toEqual(["for-a"]);
        expect(inB).toEqual(["for-b"]);
        expect(otherChannel).toEqual([]);
      });

      it("rejects messages that have no JSON form", async () => {
        const { pubsub } = await backend.open("a");
        await expect(pubsub.publish("room", undefined)).rejects.toThrow(TypeError);
      });
    });
  });
}

afterAll(() => {
  if (!redisUp) console.warn(`Redis not reachable at ${redisUrl}: Redis contract tests skipped`);
});
