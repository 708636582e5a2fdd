import type { CutoutServices } from "../../cutout/ports";
import type { GenerateDeps } from "../../generate";
import type { ImageProvider } from "../../image-providers";
import type { BlobStorage } from "../../ports";
import { taskKinds, type TaskKind, type TaskKinds } from "../kinds";
import { cardsBatchKind } from "./cards-batch";
import { cutoutBatchKind } from "./cutout-batch";
import { imageGenerateKind } from "./image-generate";

/** What the built-in kinds need from the host that runs them (a server or a worker). */
export interface BuiltInTaskKindDeps {
  /** The card pipeline (cards.batch renders through it). */
  generate: GenerateDeps;
  /** Where task files go (`tasks/<id>/…`). */
  storage: BlobStorage;
  /**
   * The configured text-to-image client (`imageProviderFromConfig`); `image.generate` is
   * registered only with one. Absent or null: no provider is configured.
   */
  imageProvider?: ImageProvider | null | undefined;
  /** Background removal; `cutout.batch` is registered only with it. */
  cutout?: CutoutServices | null | undefined;
}

/**
 * Every kind GenFlow ships, for the hosts that run handlers: the server's in-process runner and
 * the BullMQ workers build the same set, so a task runs the same wherever it is picked up.
 */
export function builtInTaskKinds(deps: BuiltInTaskKindDeps): TaskKinds {
  const kinds: TaskKind<unknown>[] = [
    cardsBatchKind({ generate: deps.generate, storage: deps.storage }),
  ];
  if (deps.imageProvider) {
    kinds.push(imageGenerateKind({ provider: deps.imageProvider, storage: deps.storage }));
  }
  if (deps.cutout) kinds.push(cutoutBatchKind({ cutout: deps.cutout, storage: deps.storage }));
  return taskKinds(kinds);
}
