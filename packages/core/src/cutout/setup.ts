import { access } from "node:fs/promises";
import path from "node:path";

import { z } from "zod";

import type { CoreDeps } from "../context";
import type { BlobStorage, HealthCheck } from "../ports";
import type { WorkerScript } from "../generate/render/worker-script";
import { ensureBuiltInModel } from "./assemble-model";
import {
  createCutoutEngine,
  sourceCutoutWorker,
  type CutoutEngine,
  type CutoutMetrics,
} from "./inference/engine";
import {
  BUILT_IN_CUTOUT_MODELS,
  BUILT_IN_TIERS,
  builtInModelConfig,
  CUTOUT_TIERS,
  CutoutModelConfig,
  isBuiltInModel,
  type CutoutTier,
} from "./models";
import type { CutoutServices, RegisteredModel } from "./ports";

const whole = (min: number, max: number) =>
  z.coerce
    .number({ error: "must be a whole number" })
    .int("must be a whole number")
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

/** The operator's own models: a JSON array of model configurations (see `CutoutModelConfig`). */
const ModelList = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: "must be a JSON array of model configurations" });
      return z.NEVER;
    }
  })
  .pipe(z.array(CutoutModelConfig).max(20));

/**
 * The variables that configure background removal, for a host's env schema (server and worker
 * read the same ones; see .env.example).
 */
export const cutoutEnvShape = {
  /** Where the built-in models are assembled; default `<DATA_DIR>/models`. */
  CUTOUT_MODEL_DIR: z.string().optional(),
  CUTOUT_MODELS: ModelList.optional(),
  CUTOUT_FAST_MODEL: z.string().default(BUILT_IN_TIERS.fast),
  CUTOUT_QUALITY_MODEL: z.string().default(BUILT_IN_TIERS.quality),
  CUTOUT_CONCURRENCY: whole(1, 16).default(1),
  CUTOUT_THREADS: whole(1, 64).default(2),
  CUTOUT_QUEUE_MAX: whole(0, 10_000).default(16),
  CUTOUT_TIMEOUT_MS: whole(1000, 3_600_000).default(60_000),
  CUTOUT_IDLE_UNLOAD_MS: whole(1000, 86_400_000).default(600_000),
};
export type CutoutEnv = z.output<z.ZodObject<typeof cutoutEnvShape>>;

export interface SetUpCutoutOptions {
  env: CutoutEnv;
  /** `<DATA_DIR>/models` unless CUTOUT_MODEL_DIR says otherwise. */
  defaultModelDir: string;
  deps: Pick<CoreDeps, "db" | "log" | "clock">;
  blobs: BlobStorage;
  /** The inference worker built next to a bundled host; the package's source otherwise. */
  worker?: WorkerScript | undefined;
  metrics?: CutoutMetrics | undefined;
}

export interface CutoutSetup {
  services: CutoutServices;
  engine: CutoutEngine;
  /** Ready while every tier's model is usable (not required: the rest of GenFlow works without). */
  healthCheck: HealthCheck;
  close(): Promise<void>;
}

/**
 * Builds background removal for a host: the registry (built-in IS-Net models, assembled from
 * their npm package into the model folder and hash-checked, plus the operator's own), the engine,
 * and the health check. A model that cannot be assembled or found is reported, not fatal: its
 * tier answers UNAVAILABLE and `/readyz` and `cutout.models` say why.
 */
export async function setUpCutout(options: SetUpCutoutOptions): Promise<CutoutSetup> {
  const { env, deps } = options;
  const modelDir = path.resolve(env.CUTOUT_MODEL_DIR ?? options.defaultModelDir);
  const own = env.CUTOUT_MODELS ?? [];
  const configs = new Map<string, CutoutModelConfig>();
  for (const id of Object.keys(BUILT_IN_CUTOUT_MODELS)) {
    if (isBuiltInModel(id)) configs.set(id, builtInModelConfig(id, modelDir));
  }
  for (const config of own) configs.set(config.id, config);

  const tierIds: Record<CutoutTier, string> = {
    fast: env.CUTOUT_FAST_MODEL,
    quality: env.CUTOUT_QUALITY_MODEL,
  };
  const problems = new Map<string, string>();
  for (const tier of CUTOUT_TIERS) {
    if (!configs.has(tierIds[tier])) {
      throw new Error(
        `CUTOUT_${tier.toUpperCase()}_MODEL: no model "${tierIds[tier]}" (known: ${[...configs.keys()].join(", ")})`,
      );
    }
  }
  // Assemble the built-in models the tiers use; check the others' files are there.
  for (const config of new Set(CUTOUT_TIERS.map((tier) => configs.get(tierIds[tier])))) {
    if (!config) continue;
    try {
      if (isBuiltInModel(config.id)) {
        const { assembled } = await ensureBuiltInModel(config.id, config.file);
        if (assembled) deps.log.info({ model: config.id, file: config.file }, "model assembled");
      } else {
        await access(config.file);
      }
    } catch (error) {
      // Said without paths; the log has the whole error.
      problems.set(config.id, "its file is missing or damaged");
      deps.log.error({ model: config.id, err: error }, "a background-removal model is not usable");
    }
  }

  const engine = createCutoutEngine({
    worker: options.worker ?? sourceCutoutWorker(),
    threads: env.CUTOUT_THREADS,
    concurrency: env.CUTOUT_CONCURRENCY,
    maxQueue: env.CUTOUT_QUEUE_MAX,
    timeoutMs: env.CUTOUT_TIMEOUT_MS,
    idleUnloadMs: env.CUTOUT_IDLE_UNLOAD_MS,
    metrics: options.metrics,
    onLoadError: (model, message) =>
      deps.log.error(
        { model: model.id, error: message },
        "a background-removal model failed to load",
      ),
  });
  const models = Object.fromEntries(
    CUTOUT_TIERS.map((tier) => [tier, configs.get(tierIds[tier])]),
  ) as Record<CutoutTier, CutoutModelConfig>;

  const registry = (): RegisteredModel[] => {
    const state = engine.models();
    return [...configs.values()].map((config) => {
      const tier = CUTOUT_TIERS.find((candidate) => tierIds[candidate] === config.id) ?? null;
      const loadFailed = state.get(config.id)?.error != null;
      const error =
        problems.get(config.id) ?? (loadFailed ? "it could not be loaded (see the log)" : null);
      return { config, tier, error, loaded: state.get(config.id)?.loaded ?? false };
    });
  };

  return {
    engine,
    services: { ...deps, engine, models, blobs: options.blobs, registry },
    healthCheck: {
      name: "cutout",
      required: false,
      check() {
        const broken = registry().filter((model) => model.tier && model.error);
        return Promise.resolve(
          broken.length === 0
            ? { ok: true }
            : {
                ok: false,
                detail: broken.map((model) => `${model.config.id}: ${model.error}`).join("; "),
              },
        );
      },
    },
    close: () => engine.close(),
  };
}
