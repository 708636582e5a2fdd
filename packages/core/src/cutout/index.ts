export { ensureBuiltInModel } from "./assemble-model";
export { cutoutImage, decodePhoto, type CutoutDeps } from "./cutout-image";
export {
  createCutoutEngine,
  sourceCutoutWorker,
  type CutoutEngine,
  type CutoutEngineOptions,
  type SegmentResult,
} from "./inference/engine";
export {
  BUILT_IN_CUTOUT_MODELS,
  BUILT_IN_TIERS,
  builtInModelConfig,
  CUTOUT_TIERS,
  CutoutModelConfig,
  isBuiltInModel,
  type BuiltInCutoutModelId,
  type CutoutTier,
} from "./models";
export {
  CUTOUT_MAX_BYTES,
  CUTOUT_MAX_PIXELS,
  CutoutBackground,
  CutoutOptions,
  type CutoutResult,
} from "./schemas";
