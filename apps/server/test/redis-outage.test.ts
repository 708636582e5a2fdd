import { randomUUID } from "node:crypto";

import { freePort, ThrowawayRedis } from "@genflow/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { mutate, query, signUp, startServer, type RunningServer } from "./support";

/**
 * The host on a Redis that dies mid-test and comes back: requests keep succeeding, readiness and
 * metrics record the outage, and the host reconnects by itself.
 */
describe("Redis outage over HTTP", () => {
  let redis: ThrowawayRedis;
  let running: RunningServer;

  beforeAll(async () => {
    redis = new ThrowawayRedis(await freePort());
    await redis.start();
    running = await startServer({
      LOG_LEVEL: "warn",
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: `genflow-test-${randomUUID().slice(0, 8)}:`,
    });
  });

  afterAll(async () => {
    await running.stop();
    await redis.kill();
  });

  async function metricValue(name: string): Promise<number | undefined> {
    const text = await (await fetch(`${running.url}/metrics`)).text();
    const line = text.split("\n").find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
    return line === undefined ? undefined : Number(line.split(" ").at(-1));
  }

  async function readiness() {
    const response = await fetch(`${running.url}/readyz`);
    const body = (await response.json()) as { components: Record<string, { ok: boolean }> };
    return { status: response.status, redis: body.components.redis?.ok };
  }

  it("keeps answering signed-in requests and sign-ups while Redis is down, then recovers", async () => {
    const { cookie } = await signUp(running.url);
    expect(await readiness()).toEqual({ status: 200, redis: true });
    expect(await metricValue("redis_up")).toBe(1);

    await redis.kill();

    // Session lookups (cache), the API limiter and event publishing all touch Redis.
    for (let i = 0; i < 5; i += 1) {
      const info = await query(running.url, "auth.session", { cookie });
      expect(info.status).toBe(200);
      const body = (await info.json()) as {
        result: { data: { json: { user: { email: string } } } };
      };
      expect(body.result.data.json.user.email).toMatch(/@example\.com$/);
    }
    const created = await mutate(
      running.url,
      "auth.apiKeys.create",
      { name: "during outage" },
      { cookie },
    );
    expect(created.status).toBe(200);
    const another = await signUp(running.url);
    expect(another.cookie).toContain("genflow");

    // Readiness stays 200 (Redis is optional) but reports it down; metrics count the fallback.
    const down = await readiness();
    expect(down).toEqual({ status: 200, redis: false });
    expect(await metricValue("redis_up")).toBe(0);
    const fallbacks = await (await fetch(`${running.url}/metrics`)).text();
    expect(fallbacks).toMatch(
      /redis_fallbacks_total\{component="(cache|rate-limiter|pubsub)"\} [1-9]/,
    );

    await redis.start();
    const deadline = Date.now() + 15_000;
    while ((await readiness()).redis !== true) {
      if (Date.now() > deadline) throw new Error("Redis did not come back in time");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await metricValue("redis_up")).toBe(1);
    expect((await query(running.url, "auth.session", { cookie })).status).toBe(200);
  });
});
