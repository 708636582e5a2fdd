import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  cookieHeaderFrom,
  createTestHarness,
  failureOf,
  type TestHarness,
  uniqueIp,
} from "./support";

/**
 * `auth.sessions`: where an account is signed in, and signing other places out — at once, even
 * where the session's resolution is cached.
 */

let h: TestHarness;

beforeAll(async () => {
  h = await createTestHarness();
});

afterAll(async () => {
  await h.close();
});

/** Signs `email` in again from another "device"; returns that session's cookie. */
async function signInElsewhere(email: string, password: string, userAgent: string) {
  const { api, responseHeaders } = h.request({
    ip: uniqueIp(),
    headers: { "user-agent": userAgent },
  });
  await api.auth.signIn({ email, password });
  const cookie = cookieHeaderFrom(responseHeaders.getSetCookie());
  if (!cookie) throw new Error("sign-in set no session cookie");
  return cookie;
}

const LAPTOP = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 Safari/605.1.15";
const PHONE =
  "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36";

describe("auth.sessions", () => {
  it("lists the account's sessions, marking the one in use", async () => {
    const user = await h.signUp();
    const laptop = await signInElsewhere(user.email, user.password, LAPTOP);
    const sessions = await h.caller({ cookie: laptop }).auth.sessions.list();
    expect(sessions).toHaveLength(2);
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    expect(sessions.find((s) => s.current)?.userAgent).toBe(LAPTOP);
    // Another account's sessions are not there.
    const other = await h.signUp();
    expect(await h.caller({ cookie: other.cookie }).auth.sessions.list()).toHaveLength(1);
  });

  it("shows an IPv6 session's address as the network the sign-in came from", async () => {
    const user = await h.signUp();
    const { api, responseHeaders } = h.request({ ip: "2001:db8:85a3:8d3:1319:8a2e:370:7348" });
    await api.auth.signIn({ email: user.email, password: user.password });
    const cookie = cookieHeaderFrom(responseHeaders.getSetCookie()) ?? "";
    const [session] = (await h.caller({ cookie }).auth.sessions.list()).filter((s) => s.current);
    expect(session?.ipAddress).toBe("2001:db8:85a3:8d3::/64");
  });

  it("signs another session out at once, though its resolution was cached", async () => {
    const user = await h.signUp();
    const phone = await signInElsewhere(user.email, user.password, PHONE);
    // Each caller is one request, which resolves its caller once.
    const onPhone = () => h.caller({ cookie: phone });
    // Resolved (and cached) before it is revoked.
    expect(await onPhone().auth.session()).toMatchObject({ user: { id: user.user.id } });

    const here = h.caller({ cookie: user.cookie });
    const target = (await here.auth.sessions.list()).find((s) => !s.current);
    expect(target?.userAgent).toBe(PHONE);
    expect(await here.auth.sessions.revoke({ id: target?.id ?? "" })).toEqual({ id: target?.id });

    expect(await onPhone().auth.session()).toBeNull();
    expect((await failureOf(onPhone().auth.apiKeys.list())).code).toBe("UNAUTHORIZED");
    expect(await here.auth.session()).toMatchObject({ user: { id: user.user.id } });
    expect(await here.auth.sessions.list()).toHaveLength(1);
  });

  it("signs out every other session, keeping the one in use", async () => {
    const user = await h.signUp();
    const others = [
      await signInElsewhere(user.email, user.password, LAPTOP),
      await signInElsewhere(user.email, user.password, PHONE),
    ];
    for (const cookie of others) expect(await h.caller({ cookie }).auth.session()).not.toBeNull();
    const here = h.caller({ cookie: user.cookie });
    expect(await here.auth.sessions.revokeOthers()).toEqual({ count: 2 });
    for (const cookie of others) expect(await h.caller({ cookie }).auth.session()).toBeNull();
    expect(await here.auth.session()).not.toBeNull();
    expect(await here.auth.sessions.revokeOthers()).toEqual({ count: 0 });
  });

  it("refuses the session in use, another account's and unknown ones", async () => {
    const user = await h.signUp();
    const here = h.caller({ cookie: user.cookie });
    const [current] = await here.auth.sessions.list();
    expect((await failureOf(here.auth.sessions.revoke({ id: current?.id ?? "" }))).code).toBe(
      "CONFLICT",
    );
    const other = await h.signUp();
    const [theirs] = await h.caller({ cookie: other.cookie }).auth.sessions.list();
    expect((await failureOf(here.auth.sessions.revoke({ id: theirs?.id ?? "" }))).code).toBe(
      "NOT_FOUND",
    );
    expect(await h.caller({ cookie: other.cookie }).auth.session()).not.toBeNull();
    expect((await failureOf(here.auth.sessions.revoke({ id: "" }))).code).toBe("VALIDATION");
    expect((await failureOf(h.caller().auth.sessions.list())).code).toBe("UNAUTHORIZED");
  });

  it("tells the account's other tabs and devices", async () => {
    const user = await h.signUp();
    await signInElsewhere(user.email, user.password, LAPTOP);
    await h.caller({ cookie: user.cookie }).auth.sessions.revokeOthers();
    const events = await h.db.query.userEvents.findMany({
      where: (e, { and, eq }) => and(eq(e.userId, user.user.id), eq(e.type, "session.revoked")),
    });
    expect(events.map((e) => e.data)).toEqual([{ count: 1 }]);
  });

  it("still serves a session's own cookie from the cache, and not a forged one", async () => {
    const user = await h.signUp();
    const here = h.caller({ cookie: user.cookie });
    expect(await here.auth.session()).not.toBeNull();
    expect(await here.auth.session()).not.toBeNull();
    // Same token, another signature: never taken from the cached resolution of the real one.
    const [name, value] = user.cookie.split("=") as [string, string];
    const decoded = decodeURIComponent(value);
    const forged = `${name}=${encodeURIComponent(`${decoded.slice(0, decoded.indexOf("."))}.AAAA`)}`;
    expect(await h.caller({ cookie: forged }).auth.session()).toBeNull();
  });
});
