/**
 * The `cutout` capability: background removal with an ONNX segmentation model. `cutoutImage` is
 * the pipeline alone (bytes in, image out); `processCutout` and the rest keep each photo, its mask
 * and its outputs as a cut-out of the user's (`CutoutServices`).
 */
export { ensureBuiltInModel } from "./assemble-model";
export {
  composeCutout,
  cutoutImage,
  decodePhoto,
  maskPhoto,
  measurePhoto,
  subjectBox,
  type ComposeParams,
  type CutoutDeps,
  type DecodedPhoto,
  type PhotoMask,
} from "./cutout-image";
export {
  createCutoutEngine,
  sourceCutoutWorker,
  type CutoutEngine,
  type CutoutEngineOptions,
  type CutoutMetrics,
  type SegmentResult,
} from "./inference/engine";
export {
  ComposeCutoutInput,
  composeCutoutOutput,
  deleteCutout,
  getCutout,
  listCutouts,
  ListCutoutsInput,
  processCutout,
  readCutoutFile,
  stageCutoutSource,
  type CutoutSource,
  type ProcessCutoutParams,
  type ProcessedCutout,
} from "./library";
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
export type { CutoutServices, RegisteredModel } from "./ports";
export {
  DEFAULT_CONTRAST,
  refineAlpha,
  removeRegions,
  resample,
  type RefineOptions,
  type RefineParams,
} from "./refine";
export {
  cutoutEnvShape,
  setUpCutout,
  type CutoutEnv,
  type CutoutSetup,
  type SetUpCutoutOptions,
} from "./setup";
export {
  CUTOUT_BATCH_MAX,
  CUTOUT_MAX_BYTES,
  CUTOUT_MAX_PIXELS,
  CUTOUT_SYNC_MAX_PIXELS,
  CutoutBackground,
  CutoutOptions,
  cutoutOptionsFromText,
  MaskOptions,
  OutputOptions,
  type CutoutResult,
  type CutoutTimings,
  type EncodedImage,
} from "./schemas";
export { cutoutKeys, MASK_FILE, SOURCE_FILE, type Cutout } from "./store";
