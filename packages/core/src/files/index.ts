export {
  FILE_SWEEP_GRACE_MS,
  sweepUnreferencedFiles,
  type SweepFilesDeps,
  type SweepFilesOptions,
} from "./sweep-unreferenced-files";
