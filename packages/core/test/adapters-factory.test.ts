import { describe, expect, it } from "vitest";

import { createAdapters } from "../src/adapters";
import { deleteKeys, randomPrefix, recordingLogger, redisReachable } from "./adapters-helpers";

const policies = { api: { points: 2, durationSec: 60 } };
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const redisUp = await redisReachable(redisUrl);

describe("createAdapters", () => {
  it("uses the in-process backend when no Redis URL is configured", async () => {
    const adapters = await createAdapters({ policies, log: recordingLogger().log });
    expect(adapters.backend).toBe("memory");
    expect(adapters.healthChecks).toEqual([]);
    expect(adapters.isUp()).toBe(true);
    await adapters.cache.set("k", { v: 1 }, 1000);
    expect(await adapters.cache.get("k")).toEqual({ v: 1 });
    expect((await adapters.rateLimiter.consume("api", "k", 2)).remaining).toBe(0);
    await adapters.close();
  });

  it.skipIf(!redisUp)("uses Redis when a URL is configured", async () => {
    const keyPrefix = randomPrefix();
    const states: boolean[] = [];
    const adapters = await createAdapters({
      redisUrl,
      keyPrefix,
      policies,
      log: recordingLogger().log,
      onStateChange: (up) => states.push(up),
    });
    try {
      expect(adapters.backend).toBe("redis");
      expect(adapters.isUp()).toBe(true);
      expect(states).toEqual([true]);
      expect(adapters.healthChecks.map((h) => [h.name, h.required])).toEqual([["redis", false]]);
      const health = await adapters.healthChecks[0]?.check();
      expect(health?.ok).toBe(true);
      expect(health?.latencyMs).toBeGreaterThanOrEqual(0);
      await adapters.cache.set("k", "v", 10_000);
      expect(await adapters.cache.get("k")).toBe("v");
    } finally {
      await adapters.close();
      await deleteKeys(redisUrl, keyPrefix);
    }
    // Closing is not an outage.
    expect(states).toEqual([true]);
  });
});
