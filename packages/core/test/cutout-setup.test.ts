import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DiskBlobStorage } from "../src/adapters/disk";
import { cutoutEnvShape, cutoutImage, setUpCutout, type CutoutSetup } from "../src/cutout";
import { isDomainError } from "../src/errors";
import { z } from "zod";
import { recordingLogger } from "./adapters-helpers";

/**
 * Background removal as a host sets it up from its environment: the built-in models assembled
 * into the model folder, the operator's own models registered by path, what a missing model
 * does to readiness and to requests, and models unloaded after their idle period.
 */

const Env = z.object(cutoutEnvShape);
let dir: string;
const setups: CutoutSetup[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "genflow-cutout-setup-"));
});

afterAll(async () => {
  await Promise.all(setups.map((setup) => setup.close()));
  await rm(dir, { recursive: true, force: true });
});

async function setUp(env: Record<string, string>) {
  const setup = await setUpCutout({
    env: Env.parse(env),
    defaultModelDir: path.join(dir, "models"),
    deps: { db: undefined as never, log: recordingLogger().log, clock: { now: () => new Date() } },
    blobs: new DiskBlobStorage(path.join(dir, "blobs")),
  });
  setups.push(setup);
  return setup;
}

const photo = await sharp(
  Buffer.from(
    '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="90"><rect width="100%" height="100%" fill="#eee"/><circle cx="60" cy="45" r="25" fill="#c62828"/></svg>',
  ),
)
  .png()
  .toBuffer();

describe("setUpCutout", () => {
  it("runs a model registered by path as a tier, and says which models are loaded", async () => {
    const base = await setUp({ CUTOUT_IDLE_UNLOAD_MS: "1500" });
    const own = {
      id: "my-isnet",
      file: path.join(dir, "models", "isnet-small.onnx"),
      inputSize: 1024,
      mean: [128, 128, 128],
      std: [256, 256, 256],
      inputName: "input",
      outputName: "output",
      licence: "test weights",
    };
    const setup = await setUp({
      CUTOUT_MODELS: JSON.stringify([own]),
      CUTOUT_FAST_MODEL: "my-isnet",
      CUTOUT_IDLE_UNLOAD_MS: "1500",
    });
    expect(setup.services.registry().find((model) => model.config.id === "my-isnet")).toMatchObject(
      { tier: "fast", error: null, loaded: false },
    );
    const result = await cutoutImage(setup.services, { bytes: photo, options: { tier: "fast" } });
    expect(result.model).toBe("my-isnet");
    expect(setup.services.registry().find((model) => model.config.id === "my-isnet")?.loaded).toBe(
      true,
    );
    await new Promise((resolve) => setTimeout(resolve, 1800));
    expect(setup.services.registry().find((model) => model.config.id === "my-isnet")?.loaded).toBe(
      false,
    );
    expect(await base.healthCheck.check()).toEqual({ ok: true });
  }, 120_000);

  it("reports a model whose file is missing, and its tier answers UNAVAILABLE", async () => {
    const missing = {
      id: "gone",
      file: path.join(dir, "nowhere", "gone.onnx"),
      inputSize: 320,
      mean: [0, 0, 0],
      std: [255, 255, 255],
      inputName: "input",
      outputName: "output",
      licence: "none",
    };
    const setup = await setUp({
      CUTOUT_MODELS: JSON.stringify([missing]),
      CUTOUT_QUALITY_MODEL: "gone",
    });
    const health = await setup.healthCheck.check();
    expect(health.ok).toBe(false);
    expect(health.detail).toContain("gone");
    expect(health.detail).not.toContain(dir);
    const error = await cutoutImage(setup.services, { bytes: photo }).catch((e: unknown) => e);
    expect(isDomainError(error) && error.code).toBe("UNAVAILABLE");
  }, 120_000);

  it("refuses a tier naming a model nobody registered", async () => {
    await expect(setUp({ CUTOUT_FAST_MODEL: "nope" })).rejects.toThrow(/CUTOUT_FAST_MODEL/);
  });
});
