export {
  CUTOUT_BATCH_KIND,
  CUTOUT_BATCH_ZIP_NAME,
  cutoutBatchKind,
  cutoutBatchZipKey,
  type CutoutBatchDeps,
  stagedPhotosInUse,
} from "./kind";
export {
  CutoutBatchInput,
  CutoutBatchItem,
  type CutoutBatchItemResult,
  type CutoutBatchJob,
  type CutoutBatchOutput,
} from "./schemas";
export { startCutout, type StartCutoutParams, type StartedCutout } from "./start-cutout";
