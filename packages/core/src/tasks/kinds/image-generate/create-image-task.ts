import { DomainError } from "../../../errors";
import { createTask } from "../../create-task";
import type { TasksDeps } from "../../ports";
import type { Task } from "../../schemas";
import { IMAGE_GENERATE_KIND } from "./kind";
import type { ImageGenerateInput } from "./schemas";

export interface CreateImageTaskParams {
  userId: string;
  input: ImageGenerateInput;
  /** Creating twice with the same key (per user) returns the first task. */
  idempotencyKey?: string | undefined;
}

/** The variables that configure an image provider (see `parseImageProviderEnv`). */
export const IMAGE_PROVIDER_VARIABLES = [
  "IMAGE_PROVIDER",
  "VOLCENGINE_ACCESS_KEY_ID",
  "VOLCENGINE_SECRET_ACCESS_KEY",
  "OPENAI_API_KEY",
] as const;

/** Why images cannot be made here: the server has no provider. Not worth retrying. */
export function noImageProvider(): DomainError {
  return new DomainError(
    "UNAVAILABLE",
    "No image provider is configured on this server: set IMAGE_PROVIDER to volcengine (with VOLCENGINE_ACCESS_KEY_ID and VOLCENGINE_SECRET_ACCESS_KEY) or openai (with OPENAI_API_KEY)",
    { details: { retryable: false, variables: [...IMAGE_PROVIDER_VARIABLES] } },
  );
}

/**
 * Queues an `image.generate` task for the user. UNAVAILABLE when this deployment has no image
 * provider (the kind is registered only with one); VALIDATION for input the kind refuses.
 */
export async function createImageTask(
  deps: Pick<TasksDeps, "db" | "pubsub" | "clock" | "log" | "tasks">,
  params: CreateImageTaskParams,
): Promise<{ task: Task; created: boolean }> {
  if (!deps.tasks.kinds.has(IMAGE_GENERATE_KIND)) throw noImageProvider();
  return createTask(deps, {
    userId: params.userId,
    input: {
      kind: IMAGE_GENERATE_KIND,
      input: params.input,
      ...(params.idempotencyKey === undefined ? {} : { idempotencyKey: params.idempotencyKey }),
    },
  });
}
