import { describe, expect, it } from "vitest";

import { EnvError, loadEnv } from "../src/env";

const required = {
  DATABASE_URL: "postgres://genflow@db:5432/genflow",
  REDIS_URL: "redis://redis:6379",
};

describe("worker configuration", () => {
  it("requires a Postgres and a Redis URL, naming both at once", () => {
    let error: unknown;
    try {
      loadEnv({ REDIS_URL: "http://cache" });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(EnvError);
    const message = (error as Error).message;
    expect(message).toMatch(/DATABASE_URL: is required: a postgres:\/\/ URL/);
    expect(message).toMatch(/REDIS_URL: is required: a redis:\/\/ or rediss:\/\/ URL/);
  });

  it("fills in the defaults: every kind, each at its own concurrency, the server's blob folder", () => {
    const env = loadEnv({ ...required, DATA_DIR: "/srv/genflow" });
    expect(env).toMatchObject({
      REDIS_KEY_PREFIX: "genflow:",
      BLOB_DIR: "/srv/genflow/blobs",
      WORKER_KINDS: undefined,
      WORKER_CONCURRENCY: {},
      WORKER_HEALTH_PORT: undefined,
      TASK_HEARTBEAT_MS: 5_000,
      TASK_STALE_AFTER_MS: 30_000,
      TASK_LOCK_DURATION_MS: 30_000,
      WORKER_SHUTDOWN_TIMEOUT_MS: 30_000,
      imageProvider: null,
    });
  });

  it("reads the kinds to run and per-kind concurrency", () => {
    const env = loadEnv({
      ...required,
      WORKER_KINDS: " cards.batch, image.generate ",
      WORKER_CONCURRENCY: "cards.batch=2,image.generate = 8",
      WORKER_HEALTH_PORT: "9464",
    });
    expect(env.WORKER_KINDS).toEqual(["cards.batch", "image.generate"]);
    expect(env.WORKER_CONCURRENCY).toEqual({ "cards.batch": 2, "image.generate": 8 });
    expect(env.WORKER_HEALTH_PORT).toBe(9464);
  });

  it("refuses a concurrency entry that is not kind=count", () => {
    expect(() => loadEnv({ ...required, WORKER_CONCURRENCY: "cards.batch=0" })).toThrow(
      /WORKER_CONCURRENCY: "cards.batch=0" is not kind=count/,
    );
    expect(() => loadEnv({ ...required, WORKER_CONCURRENCY: "cards.batch" })).toThrow(EnvError);
  });

  it("checks the image provider like the server does, naming variables and never values", () => {
    let message = "";
    try {
      loadEnv({ ...required, IMAGE_PROVIDER: "openai", OPENAI_BASE_URL: "not a url" });
    } catch (caught) {
      message = (caught as Error).message;
    }
    expect(message).toMatch(/OPENAI_API_KEY/);
    expect(message).not.toMatch(/not a url/);
  });
});
