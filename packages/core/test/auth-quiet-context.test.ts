import type { AsyncLocalStorage } from "node:async_hooks";

import {
  getCurrentAuthContextAsyncLocalStorage,
  getRequestStateAsyncLocalStorage,
} from "@better-auth/core/context";
import { describe, expect, it } from "vitest";

import { quietContext } from "../src/auth/quiet-context";

/** Node's hook-based AsyncLocalStorage says whether it is enabled (AsyncContextFrame does not). */
const enabled = (storage: AsyncLocalStorage<unknown>) =>
  (storage as unknown as { enabled?: boolean }).enabled;

describe("quietContext", async () => {
  const requestState = (await getRequestStateAsyncLocalStorage()) as AsyncLocalStorage<unknown>;
  const authContext =
    (await getCurrentAuthContextAsyncLocalStorage()) as AsyncLocalStorage<unknown>;
  const hookBased = typeof enabled(requestState) === "boolean";

  /** A stand-in for the library: each call runs inside its storages, as better-auth's do. */
  const library = {
    async call(label: string, wait: Promise<void>) {
      return requestState.run({ label }, () =>
        authContext.run({ label }, async () => {
          await wait;
          // The call's own state is still there after it waited.
          return (requestState.getStore() as { label: string }).label;
        }),
      );
    },
    version: "1",
  };

  it.runIf(hookBased)("switches the storages off once no call is running", async () => {
    const api = quietContext(library);
    expect(api.version).toBe("1");

    let releaseFirst = () => {};
    let releaseSecond = () => {};
    const first = api.call("first", new Promise<void>((r) => (releaseFirst = r)));
    const second = api.call("second", new Promise<void>((r) => (releaseSecond = r)));
    await new Promise((r) => setTimeout(r, 10));
    expect(enabled(requestState)).toBe(true);

    releaseFirst();
    expect(await first).toBe("first");
    // The second call is still running: its state must survive.
    expect(enabled(requestState)).toBe(true);
    releaseSecond();
    expect(await second).toBe("second");
    expect(enabled(requestState)).toBe(false);
    expect(enabled(authContext)).toBe(false);

    // And on again for the next call.
    expect(await api.call("third", Promise.resolve())).toBe("third");
    expect(enabled(requestState)).toBe(false);
  });

  it("keeps a failing call's error and still switches off", async () => {
    const api = quietContext({
      fail: () => requestState.run({}, () => Promise.reject(new Error("refused"))),
    });
    await expect(api.fail()).rejects.toThrow("refused");
    if (hookBased) expect(enabled(requestState)).toBe(false);
  });
});
