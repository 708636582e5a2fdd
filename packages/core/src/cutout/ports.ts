import type { CoreDeps } from "../context";
import type { BlobStorage } from "../ports";
import type { CutoutDeps } from "./cutout-image";
import type { CutoutModelConfig } from "./models";

/** A model the registry knows, and whether it could be used. */
export interface RegisteredModel {
  config: CutoutModelConfig;
  /** The tier it serves, if any. */
  tier: "fast" | "quality" | null;
  /** Why it cannot be used (its file is missing, it failed to load), or null. */
  error: string | null;
  /** Whether its session is in memory (used within the idle period). */
  loaded: boolean;
}

/** What the stored cut-out use cases are given. */
export interface CutoutServices extends CutoutDeps, Pick<CoreDeps, "db" | "log" | "clock"> {
  /** The photos, masks and outputs; uploads are read from here too. */
  blobs: BlobStorage;
  /** Every registered model (built-in and the operator's own), for listing. */
  registry: () => readonly RegisteredModel[];
}
