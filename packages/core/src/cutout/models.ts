import { z } from "zod";

/**
 * The background-removal models GenFlow knows. A model is an ONNX network that takes one RGB image
 * stretched to a square and answers an alpha mask of the same square, 0..1.
 */

/** Quality tiers: `fast` (the small model) and `quality` (the medium one, the default). */
export const CUTOUT_TIERS = ["fast", "quality"] as const;
export type CutoutTier = (typeof CUTOUT_TIERS)[number];

export const CutoutModelConfig = z.strictObject({
  /** A short name, e.g. `isnet-medium` or `u2net`. */
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, "lowercase letters, digits, dot, dash and underscore"),
  /** Where the ONNX file is. Built-in models are assembled here from their npm package. */
  file: z.string().min(1),
  /** The square side the network takes, in pixels. */
  inputSize: z.int().min(64).max(4096),
  /** Per channel (R, G, B): input = (value − mean) / std, with value in 0..255. */
  mean: z.tuple([z.number(), z.number(), z.number()]),
  std: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]),
  inputName: z.string().min(1),
  outputName: z.string().min(1),
  /** Whether the output is already 0..1 (`identity`) or a logit to squash (`sigmoid`). */
  outputActivation: z.enum(["identity", "sigmoid"]).default("identity"),
  /** Said plainly wherever the model is listed. */
  licence: z.string().min(1),
});
export type CutoutModelConfig = z.infer<typeof CutoutModelConfig>;

/** A built-in model: its chunks ship in `@imgly/background-removal-data` (see `assemble-model.ts`). */
export interface BuiltInCutoutModel {
  id: string;
  /** The key of the model in the package's `dist/resources.json`. */
  resource: string;
  /** sha256 of the assembled ONNX file. */
  sha256: string;
  bytes: number;
}

const ISNET_LICENCE =
  "IS-Net (xuebinqin/DIS, Apache-2.0), weights from @imgly/background-removal-data 1.4.5 (AGPL-3.0)";

export const BUILT_IN_CUTOUT_MODELS = {
  "isnet-small": {
    id: "isnet-small",
    resource: "/models/small",
    sha256: "7001d60734fdc112dd9c062635fb59cd401fb82a9d4213134bce4dbd655c803a",
    bytes: 44_342_436,
  },
  "isnet-medium": {
    id: "isnet-medium",
    resource: "/models/medium",
    sha256: "b6e8497ba978a6f5fbb647e419d2696cd80df5a23cb6a8ea532021911bd76acb",
    bytes: 88_188_479,
  },
} as const satisfies Record<string, BuiltInCutoutModel>;
export type BuiltInCutoutModelId = keyof typeof BUILT_IN_CUTOUT_MODELS;

/** The tier each built-in model serves. */
export const BUILT_IN_TIERS: Record<CutoutTier, BuiltInCutoutModelId> = {
  fast: "isnet-small",
  quality: "isnet-medium",
};

/** A built-in model's configuration, its file in `modelDir`. */
export function builtInModelConfig(id: BuiltInCutoutModelId, modelDir: string): CutoutModelConfig {
  return {
    id,
    file: `${modelDir.replace(/\/+$/, "")}/${id}.onnx`,
    inputSize: 1024,
    // The network was trained on (v − 128) / 256, not on ImageNet statistics.
    mean: [128, 128, 128],
    std: [256, 256, 256],
    inputName: "input",
    outputName: "output",
    outputActivation: "identity",
    licence: ISNET_LICENCE,
  };
}

export function isBuiltInModel(id: string): id is BuiltInCutoutModelId {
  return Object.hasOwn(BUILT_IN_CUTOUT_MODELS, id);
}
