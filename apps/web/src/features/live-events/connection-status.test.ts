import { describe, expect, it } from "vitest";

import { connectionStatusOf } from "./connection-status";

const base = { online: true, connectedOnce: false, failed: false } as const;

describe("connectionStatusOf", () => {
  it("is live while the subscription is open", () => {
    expect(connectionStatusOf({ ...base, subscription: "pending" })).toBe("online");
  });

  it("is connecting on the first attempt, reconnecting after having been open or failing", () => {
    expect(connectionStatusOf({ ...base, subscription: "connecting" })).toBe("connecting");
    expect(connectionStatusOf({ ...base, subscription: "connecting", connectedOnce: true })).toBe(
      "reconnecting",
    );
    expect(connectionStatusOf({ ...base, subscription: "connecting", failed: true })).toBe(
      "reconnecting",
    );
  });

  it("is offline when the browser is, or when the stream gave up", () => {
    expect(connectionStatusOf({ ...base, online: false, subscription: "pending" })).toBe("offline");
    expect(connectionStatusOf({ ...base, subscription: "error", connectedOnce: true })).toBe(
      "offline",
    );
  });
});
