import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  LEVEL,
  mutate,
  query,
  restError,
  startServer,
  trpcError,
  type RunningServer,
} from "./support";

let s: RunningServer;

beforeAll(async () => {
  s = await startServer({ BODY_LIMIT_BYTES: "4096", CORS_ORIGINS: "http://localhost:5173" });
});

afterAll(async () => {
  await s.stop();
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("error envelopes over tRPC", () => {
  it("answers malformed JSON with 400 VALIDATION and the request id", async () => {
    const response = await fetch(`${s.url}/trpc/auth.signUp`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: "http://localhost:3000" },
      body: '{"json": {"email": ',
    });
    expect(response.status).toBe(400);
    const error = await trpcError(response);
    expect(error.code).toBe("VALIDATION");
    expect(error.message).toBe("The request body is not valid JSON");
    expect(error.requestId).toBe(response.headers.get("x-request-id"));
    expect(error.requestId).toMatch(UUID);
  });

  it("answers a non-JSON body with 400 VALIDATION and the request id", async () => {
    const response = await fetch(`${s.url}/trpc/auth.signUp`, {
      method: "POST",
      headers: { "content-type": "text/plain", origin: "http://localhost:3000" },
      body: "email=a@example.com",
    });
    expect(response.status).toBe(400);
    const error = await restError(response);
    expect(error.code).toBe("VALIDATION");
    expect(error.message).toMatch(/Content-Type: application\/json/);
    expect(error.requestId).toBe(response.headers.get("x-request-id"));
    expect(error.requestId).toMatch(UUID);
  });

  it("answers an oversized body with 413 PAYLOAD_TOO_LARGE", async () => {
    const response = await mutate(s.url, "auth.signUp", {
      email: "a@example.com",
      password: "x".repeat(10_000),
      name: "A",
    });
    expect(response.status).toBe(413);
    const error = await trpcError(response);
    expect(error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(error.message).toBe("The request body is larger than this server accepts");
    expect(error.requestId).toBe(response.headers.get("x-request-id"));
  });

  it("answers an unknown procedure with 404 NOT_FOUND", async () => {
    const response = await query(s.url, "system.doesNotExist");
    expect(response.status).toBe(404);
    const error = await trpcError(response);
    expect(error.code).toBe("NOT_FOUND");
    expect(error.requestId).toBe(response.headers.get("x-request-id"));
  });

  it("answers a protected procedure without credentials with 401 UNAUTHORIZED", async () => {
    const response = await query(s.url, "auth.apiKeys.list");
    expect(response.status).toBe(401);
    const error = await trpcError(response);
    expect(error.code).toBe("UNAUTHORIZED");
    expect(error.requestId).toBe(response.headers.get("x-request-id"));
  });

  it("answers invalid fields with 400 and the field errors, flattened", async () => {
    const response = await mutate(s.url, "auth.signUp", {
      email: "not-an-email",
      password: "long enough pass",
      name: "A",
    });
    expect(response.status).toBe(400);
    const error = await trpcError(response);
    expect(error.code).toBe("VALIDATION");
    // In words a person reads, not zod's description of types.
    expect(error.details).toMatchObject({ fieldErrors: { email: ["Not a valid email address"] } });
    expect(error.details?.fieldErrors).not.toHaveProperty("password");

    // No input at all (say, without the `json` wrapper) says what was expected.
    const missing = await trpcError(await mutate(s.url, "auth.signUp", undefined));
    expect(missing.details).toMatchObject({ formErrors: ["Expected an object"] });
  });
});

describe("error envelopes over REST", () => {
  it("answers malformed JSON with 400 and the envelope", async () => {
    const response = await fetch(`${s.url}/api/anything`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{nope",
    });
    expect(response.status).toBe(400);
    const error = await restError(response);
    expect(error).toEqual({
      code: "VALIDATION",
      message: "Malformed JSON in request body",
      details: null,
      requestId: response.headers.get("x-request-id"),
    });
  });

  it("answers an oversized body with 413 and the limit", async () => {
    const response = await fetch(`${s.url}/api/anything`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ blob: "x".repeat(10_000) }),
    });
    expect(response.status).toBe(413);
    const error = await restError(response);
    expect(error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(error.details).toEqual({ limitBytes: 4096 });
  });

  it("answers unknown paths with 404 and the envelope when the SPA is not served", async () => {
    const response = await fetch(`${s.url}/some/page`, { headers: { accept: "text/html" } });
    expect(response.status).toBe(404);
    expect((await restError(response)).code).toBe("NOT_FOUND");
  });

  it("answers unknown /api routes with 404 and the envelope", async () => {
    const response = await fetch(`${s.url}/api/v1/nothing-here`);
    expect(response.status).toBe(404);
    const error = await restError(response);
    expect(error.code).toBe("NOT_FOUND");
    expect(error.requestId).toBe(response.headers.get("x-request-id"));
  });
});

describe("request ids", () => {
  it("echoes a sane X-Request-Id and uses it in the envelope and every log line", async () => {
    const id = "client-trace_01.abc";
    const response = await fetch(`${s.url}/api/missing`, { headers: { "x-request-id": id } });
    expect(response.headers.get("x-request-id")).toBe(id);
    expect((await restError(response)).requestId).toBe(id);
    const lines = s.logs.forRequest(id);
    expect(lines.length).toBeGreaterThan(0);
    expect(
      lines.some(
        (line) =>
          line.msg === "GET /api/missing 404" ||
          String(line.msg).startsWith("GET /api/missing 404"),
      ),
    ).toBe(true);
  });

  it("replaces an unsafe or oversized X-Request-Id with a generated one", async () => {
    for (const bad of ["has spaces", "x".repeat(129), "semi;colon", "<script>"]) {
      const response = await fetch(`${s.url}/healthz`, { headers: { "x-request-id": bad } });
      expect(response.headers.get("x-request-id")).toMatch(UUID);
    }
    const ok = await fetch(`${s.url}/healthz`, { headers: { "x-request-id": "y".repeat(128) } });
    expect(ok.headers.get("x-request-id")).toBe("y".repeat(128));
  });

  it("tags the log line of a tRPC call with its id", async () => {
    const id = "trpc-call-1";
    await query(s.url, "system.info", { "x-request-id": id });
    const lines = s.logs.forRequest(id);
    expect(
      lines.some(
        (line) =>
          line.msg === "GET /trpc/system.info 200" ||
          String(line.msg).startsWith("GET /trpc/system.info 200"),
      ),
    ).toBe(true);
  });
});

describe("request logs", () => {
  it("never logs credentials: headers are allowlisted, sensitive query values redacted", async () => {
    const secret = "sk-very-secret-value-123";
    const id = "redaction-check";
    await fetch(`${s.url}/api/missing?token=${secret}&page=2`, {
      headers: {
        "x-request-id": id,
        authorization: `Bearer ${secret}`,
        cookie: `genflow.session_token=${secret}`,
        "x-api-key": secret,
        "user-agent": "redaction-test",
      },
    });
    const raw = s.logs.raw.filter((line) => line.includes(id));
    expect(raw.length).toBeGreaterThan(0);
    for (const line of raw) expect(line).not.toContain(secret);
    const logged = s.logs.forRequest(id).find((line) => line.req !== undefined);
    expect(logged?.req).toMatchObject({
      url: "/api/missing?token=%5Bredacted%5D&page=2",
      headers: { "user-agent": "redaction-test" },
    });
    const headers = (logged?.req as { headers: Record<string, unknown> }).headers;
    for (const name of ["authorization", "cookie", "x-api-key", "x-request-id"]) {
      expect(headers).not.toHaveProperty(name);
    }
  });

  it("marks API responses as uncacheable, unframeable and same-origin", async () => {
    const response = await fetch(`${s.url}/trpc/system.info`);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("content-security-policy")).toBe(
      "default-src 'none'; frame-ancestors 'none'",
    );
    expect(response.headers.get("cross-origin-resource-policy")).toBe("same-origin");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("x-powered-by")).toBeNull();
  });

  it("logs client errors as warnings, not errors", async () => {
    const id = "client-error-level";
    await fetch(`${s.url}/api/missing`, { headers: { "x-request-id": id } });
    const levels = s.logs.forRequest(id).map((line) => line.level);
    expect(levels).toContain(LEVEL.warn);
    expect(levels.every((level) => level < LEVEL.error)).toBe(true);
  });
});

describe("HTTP hardening", () => {
  it("sends a CSP that lets the SPA talk to its own origin", async () => {
    const response = await fetch(`${s.url}/healthz`);
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("img-src 'self' data:");
    expect(response.headers.get("x-powered-by")).toBeNull();
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("allows credentialed CORS from listed origins only", async () => {
    const preflight = (origin: string) =>
      fetch(`${s.url}/trpc/auth.signIn`, {
        method: "OPTIONS",
        headers: {
          origin,
          "access-control-request-method": "POST",
          "access-control-request-headers": "content-type",
        },
      });
    const allowed = await preflight("http://localhost:5173");
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
    expect(allowed.headers.get("access-control-allow-credentials")).toBe("true");

    const foreign = await preflight("https://evil.example");
    expect(foreign.headers.get("access-control-allow-origin")).toBeNull();

    const simple = await fetch(`${s.url}/trpc/system.info`, {
      headers: { origin: "http://localhost:5173" },
    });
    expect(simple.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
    expect(simple.headers.get("access-control-expose-headers")).toContain("X-Request-Id");
  });
});
