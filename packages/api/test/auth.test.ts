import { hashApiKey } from "@genflow/core/auth";
import { schema } from "@genflow/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  cookieHeaderFrom,
  createTestHarness,
  failureOf,
  FOREIGN_ORIGIN,
  TEST_TRUSTED_ORIGIN,
  type TestHarness,
  uniqueIp,
} from "./support";

let h: TestHarness;

beforeAll(async () => {
  h = await createTestHarness();
});

afterAll(async () => {
  await h.close();
});

async function eventsOf(userId: string) {
  return h.db.query.userEvents.findMany({
    where: (events, { eq }) => eq(events.userId, userId),
    orderBy: (events, { asc }) => asc(events.id),
  });
}

describe("sign-up", () => {
  it("makes the first account an admin and later ones users, with a session cookie", async () => {
    const { api, responseHeaders } = h.request({ ip: uniqueIp() });
    const first = await api.auth.signUp({
      email: "First@Example.com ",
      password: "first-password",
      name: "First",
    });
    expect(first.user).toMatchObject({ email: "first@example.com", name: "First", role: "admin" });

    const cookies = responseHeaders.getSetCookie();
    const session = cookies.find((c) => c.startsWith("genflow.session_token="));
    expect(session).toBeDefined();
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Lax/i);
    expect(session).not.toMatch(/Secure/i);

    const second = await h.signUp();
    expect(second.user.role).toBe("user");

    const whoami = await h.caller({ cookie: cookieHeaderFrom(cookies) }).auth.session();
    expect(whoami).toEqual({ user: first.user, via: "session" });
  });

  it("stores the password as an argon2id hash", async () => {
    const { user, password } = await h.signUp();
    const account = await h.db.query.account.findFirst({
      where: (accounts, { eq }) => eq(accounts.userId, user.id),
    });
    expect(account?.password).toMatch(/^\$argon2id\$/);
    expect(account?.password).not.toContain(password);
  });

  it("refuses a second account with the same email, whatever its case", async () => {
    const { email } = await h.signUp();
    const { code, error } = await failureOf(
      h
        .caller({ ip: uniqueIp() })
        .auth.signUp({ email: email.toUpperCase(), password: "another-password", name: "Twin" }),
    );
    expect(code).toBe("CONFLICT");
    expect(error.message).toBe("An account with this email already exists");
  });

  it("reports invalid fields as VALIDATION with per-field errors in the envelope", async () => {
    const res = await h.http("mutation", "auth.signUp", {
      email: "not-an-email",
      password: "short",
      name: "",
    });
    expect(res.status).toBe(400);
    expect(res.error?.code).toBe("VALIDATION");
    const fieldErrors = res.error?.details?.fieldErrors;
    expect(fieldErrors).toMatchObject({
      email: [expect.any(String)],
      password: ["Use at least 8 characters"],
      name: [expect.any(String)],
    });
    expect(res.error?.requestId).toMatch(/^test-http-/);
  });

  it("rejects passwords longer than 128 characters and names longer than 80", async () => {
    const { code } = await failureOf(
      h.caller().auth.signUp({
        email: "long@example.com",
        password: "x".repeat(129),
        name: "n".repeat(81),
      }),
    );
    expect(code).toBe("VALIDATION");
  });

  it("publishes session.signedIn to the new user's event stream", async () => {
    const { user } = await h.signUp();
    const events = await eventsOf(user.id);
    expect(events.map((e) => e.type)).toEqual(["session.signedIn"]);
    expect(events[0]?.data.userAgent).toBe("genflow-tests/1.0");
    expect(events[0]?.data.ip).toMatch(/^198\.51\./);
  });
});

describe("sign-in and sessions", () => {
  it("signs in with the right password and the cookie resolves the user", async () => {
    const account = await h.signUp();
    const { api, responseHeaders } = h.request({ ip: uniqueIp() });
    const { user } = await api.auth.signIn({
      email: account.email.toUpperCase(),
      password: account.password,
    });
    expect(user).toEqual(account.user);

    const cookie = cookieHeaderFrom(responseHeaders.getSetCookie());
    expect(cookie).toMatch(/^genflow\.session_token=/);
    expect(cookie).not.toBe(account.cookie);
    expect(await h.caller({ cookie }).auth.session()).toEqual({
      user: account.user,
      via: "session",
    });
    const principal = await h.services.authenticate(new Headers({ cookie }));
    expect(principal).toMatchObject({ user: account.user, via: "session" });
    expect(principal?.sessionId).toMatch(/^\w+$/);
  });

  it("gives the same answer for a wrong password and an unknown email", async () => {
    const account = await h.signUp();
    const wrong = await failureOf(
      h
        .caller({ ip: uniqueIp() })
        .auth.signIn({ email: account.email, password: "not-the-password" }),
    );
    const unknown = await failureOf(
      h
        .caller({ ip: uniqueIp() })
        .auth.signIn({ email: "nobody@example.com", password: "not-the-password" }),
    );
    expect(wrong.code).toBe("UNAUTHORIZED");
    expect(unknown.code).toBe("UNAUTHORIZED");
    expect(wrong.error.message).toBe("Invalid email or password");
    expect(unknown.error.message).toBe(wrong.error.message);
  });

  it("treats a forged or missing cookie as signed out", async () => {
    expect(await h.caller().auth.session()).toBeNull();
    expect(
      await h.caller({ cookie: "genflow.session_token=forged.value" }).auth.session(),
    ).toBeNull();
    const { cookie } = await h.signUp();
    const tampered = cookie.replace(/=(.)/, (_m, c: string) => `=${c === "a" ? "b" : "a"}`);
    expect(await h.caller({ cookie: tampered }).auth.session()).toBeNull();
  });

  it("signing out ends the session at once, even though it was cached", async () => {
    const { cookie, user } = await h.signUp();
    // Resolve twice so the session is certainly cached.
    expect((await h.caller({ cookie }).auth.session())?.user.id).toBe(user.id);
    expect((await h.caller({ cookie }).auth.session())?.user.id).toBe(user.id);

    const { api, responseHeaders } = h.request({ cookie });
    await expect(api.auth.signOut()).resolves.toEqual({ ok: true });
    const cleared = responseHeaders
      .getSetCookie()
      .find((c) => c.startsWith("genflow.session_token="));
    expect(cleared).toMatch(/Max-Age=0/i);

    expect(await h.caller({ cookie }).auth.session()).toBeNull();
    expect(await h.services.authenticate(new Headers({ cookie }))).toBeNull();
    const { code } = await failureOf(h.caller({ cookie }).auth.apiKeys.list());
    expect(code).toBe("UNAUTHORIZED");
  });

  it("signing out without a session is harmless", async () => {
    await expect(h.caller().auth.signOut()).resolves.toEqual({ ok: true });
  });
});

describe("API keys", () => {
  it("creates a key shown once, lists it without the secret, and authenticates with it", async () => {
    const owner = await h.signUp();
    const created = await h
      .caller({ cookie: owner.cookie })
      .auth.apiKeys.create({ name: "CI runner" });
    expect(created.key).toMatch(/^gf_[A-Za-z]{48}$/);
    expect(created).toMatchObject({
      name: "CI runner",
      start: created.key.slice(0, 10),
      expiresAt: null,
    });
    expect(created.createdAt).toBeInstanceOf(Date);

    const stored = await h.db.query.apikey.findFirst({
      where: (keys, { eq }) => eq(keys.id, created.id),
    });
    expect(stored?.key).toBe(hashApiKey(created.key));
    expect(stored?.key).not.toContain(created.key);

    const principal = await h.caller({ apiKey: created.key }).auth.session();
    expect(principal).toEqual({ user: owner.user, via: "apiKey" });

    const list = await h.caller({ cookie: owner.cookie }).auth.apiKeys.list();
    expect(list).toHaveLength(1);
    expect(Object.keys(list[0] ?? {}).sort()).toEqual([
      "createdAt",
      "expiresAt",
      "id",
      "lastUsedAt",
      "name",
      "start",
    ]);
    expect(list[0]).toMatchObject({ id: created.id, name: "CI runner", start: created.start });
    expect(list[0]?.lastUsedAt).toBeInstanceOf(Date);
    const serialized = JSON.stringify(list);
    expect(serialized).not.toContain(created.key);
    expect(serialized).not.toContain(hashApiKey(created.key));

    const events = await eventsOf(owner.user.id);
    expect(events.find((e) => e.type === "apiKey.created")?.data).toEqual({
      id: created.id,
      name: "CI runner",
      start: created.start,
    });
  });

  it("sets an expiry when asked", async () => {
    const { cookie } = await h.signUp();
    const before = Date.now();
    const created = await h
      .caller({ cookie })
      .auth.apiKeys.create({ name: "week", expiresInDays: 7 });
    const expected = before + 7 * 24 * 3600 * 1000;
    expect(created.expiresAt?.getTime()).toBeGreaterThanOrEqual(expected - 5_000);
    expect(created.expiresAt?.getTime()).toBeLessThanOrEqual(expected + 60_000);
    const { code } = await failureOf(
      h.caller({ cookie }).auth.apiKeys.create({ name: "too long", expiresInDays: 366 }),
    );
    expect(code).toBe("VALIDATION");
  });

  it("revoking a key stops it working immediately, though its lookup was cached", async () => {
    const owner = await h.signUp();
    const { key, id } = await h
      .caller({ cookie: owner.cookie })
      .auth.apiKeys.create({ name: "to revoke" });
    expect((await h.caller({ apiKey: key }).auth.session())?.via).toBe("apiKey");
    expect((await h.caller({ apiKey: key }).auth.apiKeys.list()).map((k) => k.id)).toEqual([id]);

    await expect(h.caller({ cookie: owner.cookie }).auth.apiKeys.revoke({ id })).resolves.toEqual({
      id,
    });

    expect(await h.caller({ apiKey: key }).auth.session()).toBeNull();
    const { code } = await failureOf(h.caller({ apiKey: key }).auth.apiKeys.list());
    expect(code).toBe("UNAUTHORIZED");
    expect(await h.caller({ cookie: owner.cookie }).auth.apiKeys.list()).toEqual([]);
    const events = await eventsOf(owner.user.id);
    expect(events.find((e) => e.type === "apiKey.revoked")?.data).toEqual({ id });
  });

  it("serves repeated lookups from the cache rather than the database", async () => {
    const owner = await h.signUp();
    const { key, id } = await h
      .caller({ cookie: owner.cookie })
      .auth.apiKeys.create({ name: "cached" });
    expect(
      await h.services.authenticate(new Headers({ authorization: `Bearer ${key}` })),
    ).not.toBeNull();
    // Remove the row behind the service's back: the cached resolution still answers…
    await h.db.delete(schema.apikey).where(eq(schema.apikey.id, id));
    expect(
      await h.services.authenticate(new Headers({ authorization: `Bearer ${key}` })),
    ).toMatchObject({
      via: "apiKey",
      apiKeyId: id,
    });
    // …which is exactly why revocation goes through the use case, which drops the entry.
  });

  it("does not let another user revoke my key", async () => {
    const me = await h.signUp();
    const other = await h.signUp();
    const { key, id } = await h.caller({ cookie: me.cookie }).auth.apiKeys.create({ name: "mine" });
    const { code } = await failureOf(
      h.caller({ cookie: other.cookie }).auth.apiKeys.revoke({ id }),
    );
    expect(code).toBe("NOT_FOUND");
    expect(await h.caller({ cookie: other.cookie }).auth.apiKeys.list()).toEqual([]);
    expect((await h.caller({ apiKey: key }).auth.session())?.user.id).toBe(me.user.id);
  });

  it("does not mint keys with a key, and ignores garbage bearer tokens", async () => {
    const owner = await h.signUp();
    const { key } = await h.caller({ cookie: owner.cookie }).auth.apiKeys.create({ name: "robot" });
    const { code } = await failureOf(
      h.caller({ apiKey: key }).auth.apiKeys.create({ name: "child" }),
    );
    expect(code).toBe("FORBIDDEN");

    expect(await h.caller({ apiKey: "gf_notARealKey" }).auth.session()).toBeNull();
    // A bad Authorization header never falls back to the cookie.
    expect(
      await h.caller({ apiKey: "gf_notARealKey", cookie: owner.cookie }).auth.session(),
    ).toBeNull();
  });
});

describe("authorization", () => {
  it("refuses protected procedures without credentials", async () => {
    const res = await h.http("query", "auth.apiKeys.list", undefined);
    expect(res.status).toBe(401);
    expect(res.error?.code).toBe("UNAUTHORIZED");
  });

  it("lets only admins list users", async () => {
    const user = await h.signUp();
    const { code } = await failureOf(h.caller({ cookie: user.cookie }).auth.users());
    expect(code).toBe("FORBIDDEN");

    const admin = await h.db.query.user.findFirst({
      where: (users, { eq }) => eq(users.role, "admin"),
    });
    expect(admin).toBeDefined();
    const signedIn = h.request({ ip: uniqueIp() });
    await signedIn.api.auth.signIn({ email: admin?.email ?? "", password: "first-password" });
    const cookie = cookieHeaderFrom(signedIn.responseHeaders.getSetCookie());
    const page = await h.caller({ cookie }).auth.users({ limit: 2 });
    expect(page.users).toHaveLength(2);
    expect(page.users[0]).toMatchObject({ email: "first@example.com", role: "admin" });
    expect(page.total).toBeGreaterThan(2);
  });
});

describe("brute-force protection", () => {
  it("limits sign-in attempts per email with Retry-After, across addresses", async () => {
    const account = await h.signUp();
    for (let i = 0; i < 5; i++) {
      const { code } = await failureOf(
        h
          .caller({ ip: uniqueIp() })
          .auth.signIn({ email: account.email, password: "wrong-password" }),
      );
      expect(code).toBe("UNAUTHORIZED");
    }
    // Even the right password is refused while the account is blocked.
    const res = await h.http(
      "mutation",
      "auth.signIn",
      { email: account.email, password: account.password },
      { ip: uniqueIp() },
    );
    expect(res.status).toBe(429);
    expect(res.error?.code).toBe("LIMIT_EXCEEDED");
    expect(res.error?.details?.retryAfterMs).toEqual(expect.any(Number));
    const retryAfter = Number(res.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(res.headers.get("set-cookie")).toBeNull();
    expect(h.metrics.rateLimitedPolicies).toContain("auth.signIn.email");
  });

  it("a successful sign-in resets the account's counter", async () => {
    const account = await h.signUp();
    const attempt = (password: string) =>
      h.caller({ ip: uniqueIp() }).auth.signIn({ email: account.email, password });
    for (let i = 0; i < 4; i++)
      expect((await failureOf(attempt("wrong-password"))).code).toBe("UNAUTHORIZED");
    await attempt(account.password);
    for (let i = 0; i < 4; i++)
      expect((await failureOf(attempt("wrong-password"))).code).toBe("UNAUTHORIZED");
    await expect(attempt(account.password)).resolves.toMatchObject({ user: account.user });
  });

  it("limits sign-in attempts per address across accounts", async () => {
    const ip = uniqueIp();
    for (let i = 0; i < 20; i++) {
      const { code } = await failureOf(
        h
          .caller({ ip })
          .auth.signIn({ email: `spray${i}@example.com`, password: "wrong-password" }),
      );
      expect(code).toBe("UNAUTHORIZED");
    }
    const { api, responseHeaders } = h.request({ ip });
    const { code } = await failureOf(
      api.auth.signIn({ email: "spray-last@example.com", password: "wrong-password" }),
    );
    expect(code).toBe("LIMIT_EXCEEDED");
    expect(Number(responseHeaders.get("retry-after"))).toBeGreaterThan(0);
  });

  it("counts an IPv6 client's whole /56 as one address", async () => {
    // Every attempt from another address of the same /56 network, as one line may use.
    const network = `2001:db8:${(ipv6Counter += 1).toString(16)}:a0`;
    const from = (i: number) => `${network}${i.toString(16).padStart(2, "0")}::${i + 1}`;
    for (let i = 0; i < 20; i++) {
      const { code } = await failureOf(
        h
          .caller({ ip: from(i) })
          .auth.signIn({ email: `spray6-${i}@example.com`, password: "wrong-password" }),
      );
      expect(code).toBe("UNAUTHORIZED");
    }
    const { code } = await failureOf(
      h.caller({ ip: from(255) }).auth.signIn({
        email: "spray6-last@example.com",
        password: "wrong-password",
      }),
    );
    expect(code).toBe("LIMIT_EXCEEDED");
    // The next /56 is another client.
    const { code: next } = await failureOf(
      h.caller({ ip: `2001:db8:${ipv6Counter.toString(16)}:b000::1` }).auth.signIn({
        email: "spray6-next@example.com",
        password: "wrong-password",
      }),
    );
    expect(next).toBe("UNAUTHORIZED");
  });

  it("limits sign-ups per address", async () => {
    const ip = uniqueIp();
    for (let i = 0; i < 10; i++) {
      await h
        .caller({ ip })
        .auth.signUp({ email: `burst${i}@example.com`, password: "burst-password", name: "Burst" });
    }
    const { code } = await failureOf(
      h.caller({ ip }).auth.signUp({
        email: "burst-last@example.com",
        password: "burst-password",
        name: "Burst",
      }),
    );
    expect(code).toBe("LIMIT_EXCEEDED");
  });
});

let ipv6Counter = 0;

describe("cross-site request forgery", () => {
  it("refuses a cookie-authenticated mutation from a foreign origin", async () => {
    const { cookie } = await h.signUp();
    const res = await h.http(
      "mutation",
      "auth.apiKeys.create",
      { name: "forged" },
      { cookie, origin: FOREIGN_ORIGIN },
    );
    expect(res.status).toBe(403);
    expect(res.error?.code).toBe("FORBIDDEN");
    expect(res.error?.message).toMatch(/trusted origin/);
    expect(await h.caller({ cookie }).auth.apiKeys.list()).toEqual([]);
  });

  it("refuses a cookie mutation with no Origin, unless the browser marks it same-origin", async () => {
    const { cookie } = await h.signUp();
    const { code } = await failureOf(
      h.caller({ cookie, origin: null }).auth.apiKeys.create({ name: "no origin" }),
    );
    expect(code).toBe("FORBIDDEN");
    const created = await h
      .caller({ cookie, origin: null, headers: { "sec-fetch-site": "same-origin" } })
      .auth.apiKeys.create({ name: "same origin" });
    expect(created.name).toBe("same origin");
  });

  it("accepts the configured trusted origins", async () => {
    const { cookie } = await h.signUp();
    const created = await h
      .caller({ cookie, origin: TEST_TRUSTED_ORIGIN })
      .auth.apiKeys.create({ name: "spa" });
    expect(created.name).toBe("spa");
  });

  it("refuses sign-in from a foreign origin (login forgery)", async () => {
    const account = await h.signUp();
    const { api, responseHeaders } = h.request({ origin: FOREIGN_ORIGIN, ip: uniqueIp() });
    const { code } = await failureOf(
      api.auth.signIn({ email: account.email, password: account.password }),
    );
    expect(code).toBe("FORBIDDEN");
    expect(responseHeaders.getSetCookie()).toEqual([]);
  });

  it("lets API-key callers mutate from anywhere, and queries are never blocked", async () => {
    const owner = await h.signUp();
    const owned = h.caller({ cookie: owner.cookie });
    const { key } = await owned.auth.apiKeys.create({ name: "service" });
    const { id: spareId } = await owned.auth.apiKeys.create({ name: "spare" });

    const res = await h.http(
      "mutation",
      "auth.apiKeys.revoke",
      { id: spareId },
      { apiKey: key, origin: FOREIGN_ORIGIN },
    );
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ id: spareId });

    expect(
      await h.caller({ cookie: owner.cookie, origin: FOREIGN_ORIGIN }).auth.session(),
    ).toMatchObject({
      via: "session",
    });
  });
});

describe("secure deployments", () => {
  it("marks cookies Secure (with the __Secure- prefix) when the public URL is https", async () => {
    const secure = h.serve({ baseURL: "https://genflow.example.com" });
    const { api, responseHeaders } = secure.request({ ip: uniqueIp() });
    await api.auth.signUp({
      email: "secure@example.com",
      password: "secure-password",
      name: "Secure",
    });
    const session = responseHeaders
      .getSetCookie()
      .find((c) => c.includes("genflow.session_token="));
    expect(session).toMatch(/^__Secure-genflow\.session_token=/);
    expect(session).toMatch(/; Secure/i);
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Lax/i);
    const cookie = cookieHeaderFrom(responseHeaders.getSetCookie());
    expect((await secure.caller({ cookie }).auth.session())?.user.email).toBe("secure@example.com");
    // The plain-http deployment neither reads nor trusts that cookie.
    expect(await h.caller({ cookie }).auth.session()).toBeNull();
  });
});

describe("logging", () => {
  it("reports client mistakes (bad passwords, forged requests, limits) without error-level logs", () => {
    expect(h.logs.filter((entry) => entry.level === "error")).toEqual([]);
    expect(
      h.logs.some((entry) => entry.level === "warn" && entry.bindings.component === "auth"),
    ).toBe(true);
  });
});
