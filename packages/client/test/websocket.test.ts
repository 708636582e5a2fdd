import type { AppRouter } from "@genflow/api";
import { createTRPCClient, type TRPCLink } from "@trpc/client";
import { observable } from "@trpc/server/observable";
import { describe, expect, it } from "vitest";

import { timeoutLink, webSocketUrlOf } from "../src/websocket";

/** A server that never answers: the operation stays open until unsubscribed. */
function silent(seen: { closed: number }): TRPCLink<AppRouter> {
  return () => () =>
    observable(() => () => {
      seen.closed += 1;
    });
}

describe("timeoutLink", () => {
  it("fails a call with no answer in time with a TimeoutError and lets go of it", async () => {
    const seen = { closed: 0 };
    const client = createTRPCClient<AppRouter>({ links: [timeoutLink(50), silent(seen)] });
    const error = await client.system.info.query().catch((e: unknown) => e);
    expect((error as Error).cause).toMatchObject({ name: "TimeoutError" });
    expect(seen.closed).toBe(1);
  });

  it("leaves subscriptions open", async () => {
    const seen = { closed: 0 };
    const client = createTRPCClient<AppRouter>({ links: [timeoutLink(20), silent(seen)] });
    const errors: unknown[] = [];
    const subscription = client.system.onEvents.subscribe(
      {},
      { onError: (error) => errors.push(error) },
    );
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(errors).toEqual([]);
    subscription.unsubscribe();
    expect(seen.closed).toBe(1);
  });
});

describe("webSocketUrlOf", () => {
  it("maps http to ws and https to wss, keeping the path", () => {
    expect(webSocketUrlOf("http://127.0.0.1:3000/trpc")).toBe("ws://127.0.0.1:3000/trpc");
    expect(webSocketUrlOf("https://genflow.example.com/api/trpc")).toBe(
      "wss://genflow.example.com/api/trpc",
    );
  });
});
