import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { describe, expect, it } from "vitest";

import { resolveAuthSecret } from "../src/auth-secret";
import { EnvError, loadEnv } from "../src/env";
import { tempDir } from "./support";

const serverRoot = fileURLToPath(new URL("..", import.meta.url));

function envError(source: Record<string, string | undefined>): string {
  try {
    loadEnv(source);
  } catch (error) {
    if (error instanceof EnvError) return error.message;
    throw error;
  }
  throw new Error("expected the environment to be rejected");
}

describe("loadEnv", () => {
  it("fills in every default", () => {
    const env = loadEnv({});
    expect(env).toMatchObject({
      NODE_ENV: "development",
      HOST: "0.0.0.0",
      PORT: 3000,
      DATA_DIR: "./data",
      REDIS_KEY_PREFIX: "genflow:",
      PUBLIC_URL: "http://localhost:3000",
      CORS_ORIGINS: [],
      TRUST_PROXY: false,
      LOG_LEVEL: "info",
      DEBUG: false,
      BODY_LIMIT_BYTES: 8_388_608,
      RATE_LIMIT_API_PER_MINUTE: 600,
      RATE_LIMIT_GENERATE_PER_MINUTE: 120,
      RATE_LIMIT_IMAGES_PER_MINUTE: 6_000,
      BLOB_DIR: path.join("./data", "blobs"),
      RENDER_AVIF_THREADS: 1,
      RENDER_TIMEOUT_MS: 20_000,
      SHUTDOWN_TIMEOUT_MS: 10_000,
      SERVE_WEB: true,
    });
    expect(env.RENDER_THREADS).toBeUndefined();
    expect(env.RENDER_QUEUE).toBeUndefined();
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.REDIS_URL).toBeUndefined();
    expect(env.AUTH_SECRET).toBeUndefined();
    expect(env.WEB_DIST_DIR).toBe(path.resolve(serverRoot, "../web/dist"));
  });

  it("derives PUBLIC_URL from PORT and parses lists, numbers and flags", () => {
    const env = loadEnv({
      PORT: "8080",
      CORS_ORIGINS: "https://app.example.com/, http://localhost:5173",
      TRUST_PROXY: "1",
      DEBUG: "yes",
      BODY_LIMIT_BYTES: "2048",
      DATABASE_POOL_MAX: "32",
    });
    expect(env.PUBLIC_URL).toBe("http://localhost:8080");
    expect(env.DATABASE_POOL_MAX).toBe(32);
    expect(loadEnv({}).DATABASE_POOL_MAX).toBe(10);
    expect(env.CORS_ORIGINS).toEqual(["https://app.example.com", "http://localhost:5173"]);
    expect(env.TRUST_PROXY).toBe(1);
    expect(env.DEBUG).toBe(true);
    expect(env.BODY_LIMIT_BYTES).toBe(2048);
    expect(loadEnv({ TRUST_PROXY: "loopback, 10.0.0.0/8" }).TRUST_PROXY).toBe(
      "loopback, 10.0.0.0/8",
    );
    expect(loadEnv({ TRUST_PROXY: "true" }).TRUST_PROXY).toBe(true);
  });

  it("serves the built SPA unless SERVE_WEB turns it off", () => {
    expect(loadEnv({}).SERVE_WEB).toBe(true);
    expect(loadEnv({ SERVE_WEB: "off" }).SERVE_WEB).toBe(false);
    expect(loadEnv({ SERVE_WEB: "1" }).SERVE_WEB).toBe(true);
  });

  it("treats empty strings as unset without touching the caller's object", () => {
    const source = { PORT: "", DATABASE_URL: "" };
    const env = loadEnv(source);
    expect(env.PORT).toBe(3000);
    expect(env.DATABASE_URL).toBeUndefined();
    expect(source).toEqual({ PORT: "", DATABASE_URL: "" });
  });

  it("names every bad variable in one message", () => {
    const message = envError({
      NODE_ENV: "production",
      PORT: "eighty",
      DATABASE_URL: "mysql://db/genflow",
      REDIS_URL: "http://cache",
      LOG_LEVEL: "loud",
      CORS_ORIGINS: "https://ok.example, not a url",
      BODY_LIMIT_BYTES: "-1",
      DEBUG: "maybe",
      DATABASE_POOL_MAX: "0",
    });
    for (const name of [
      "PORT",
      "DATABASE_URL",
      "REDIS_URL",
      "LOG_LEVEL",
      "CORS_ORIGINS",
      "BODY_LIMIT_BYTES",
      "DEBUG",
      "DATABASE_POOL_MAX",
      "AUTH_SECRET",
    ]) {
      expect(message).toMatch(new RegExp(`^  - ${name}(\\.\\d+)?: `, "m"));
    }
    expect(message).toContain("AUTH_SECRET: is required in production");
    expect(message).toMatch(/^Invalid configuration:/);
    expect(message).not.toMatch(/\bat .+:\d+:\d+/);
  });

  it("requires a long AUTH_SECRET in production", () => {
    expect(envError({ NODE_ENV: "production", AUTH_SECRET: "short" })).toContain(
      "AUTH_SECRET: must be at least 32 characters",
    );
    expect(loadEnv({ NODE_ENV: "production", AUTH_SECRET: "x".repeat(32) }).AUTH_SECRET).toBe(
      "x".repeat(32),
    );
  });
});

describe("resolveAuthSecret", () => {
  it("generates a development secret once and keeps it in DATA_DIR", async () => {
    const data = await tempDir("secret");
    try {
      const env = { NODE_ENV: "development", DATA_DIR: data.dir, AUTH_SECRET: undefined } as const;
      const first = await resolveAuthSecret(env);
      expect(first.length).toBeGreaterThanOrEqual(32);
      expect((await readFile(path.join(data.dir, "auth-secret"), "utf8")).trim()).toBe(first);
      expect(await resolveAuthSecret(env)).toBe(first);
    } finally {
      await data.remove();
    }
  });

  it("prefers AUTH_SECRET and never persists a test secret", async () => {
    const data = await tempDir("secret");
    try {
      const given = "g".repeat(40);
      expect(
        await resolveAuthSecret({
          NODE_ENV: "development",
          DATA_DIR: data.dir,
          AUTH_SECRET: given,
        }),
      ).toBe(given);
      const a = await resolveAuthSecret({
        NODE_ENV: "test",
        DATA_DIR: data.dir,
        AUTH_SECRET: undefined,
      });
      const b = await resolveAuthSecret({
        NODE_ENV: "test",
        DATA_DIR: data.dir,
        AUTH_SECRET: undefined,
      });
      expect(a).not.toBe(b);
      await expect(readFile(path.join(data.dir, "auth-secret"))).rejects.toThrow(/ENOENT/);
    } finally {
      await data.remove();
    }
  });
});

describe("the server process", () => {
  it("refuses to start on a bad environment with one readable message and no stack", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: serverRoot,
      env: { PATH: process.env.PATH, NODE_ENV: "production", PORT: "-5", LOG_LEVEL: "chatty" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).toBe(1);
    expect(stderr).toContain("Invalid configuration:");
    expect(stderr).toContain("  - PORT: must be at least 0");
    expect(stderr).toContain("  - LOG_LEVEL: ");
    expect(stderr).toContain("  - AUTH_SECRET: is required in production");
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
