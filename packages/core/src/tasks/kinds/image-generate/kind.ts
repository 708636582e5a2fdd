import { malformedResponse } from "../../../image-providers/errors";
import type { GeneratedImage, ImageProvider, ImageRequest } from "../../../image-providers";
import type { BlobStorage } from "../../../ports";
import { systemClock, type Clock } from "../../../ports/clock";
import { defineTaskKind, type TaskKind, type TaskKinds, type TaskRunContext } from "../../kinds";
import type { Task } from "../../schemas";
import { checkImage, zipFiles, type CheckedImage } from "./images";
import {
  IMAGE_GENERATE_MAX_COUNT,
  ImageGenerateInput,
  type ImageGenerateImageFile,
  type ImageGenerateJob,
  type ImageGenerateOutput,
  type ImageGenerateZipFile,
  type ImageProviderInfo,
} from "./schemas";

export const IMAGE_GENERATE_KIND = "image.generate";
export const IMAGE_GENERATE_ZIP_NAME = "images.zip";
const ZIP_MIME = "application/zip";
const THUMBNAIL_MIME = "image/webp";

/** Where an `image.generate` task's file `name` is stored. */
export const imageGenerateKey = (taskId: string, name: string) => `tasks/${taskId}/${name}`;
const imageName = (n: number, ext: string) => `image-${n}.${ext}`;
const thumbnailName = (n: number) => `image-${n}-thumb.webp`;

/** Share of the progress bar the provider's generation takes; checking and storing take the rest. */
const GENERATING = 80;
const CHECKED = 90;

export interface ImageGenerateDeps {
  /** The configured text-to-image client (see `imageProviderFromConfig`). */
  provider: ImageProvider;
  /** Where the task's files go (the tasks' storage, `tasks/<id>/…`). */
  storage: BlobStorage;
  /** Dates the files in the zip. */
  clock?: Clock | undefined;
}

/** The kind, and which provider it calls (never its credentials). */
export type ImageGenerateKind = TaskKind<ImageGenerateJob, ImageGenerateOutput> & {
  readonly imageProvider: ImageProviderInfo;
};

/**
 * `image.generate`: images from a text prompt, made by the configured provider. The images are
 * stored as soon as they arrive (provider links expire), each checked by decoding it, with a
 * WebP thumbnail, plus `images.zip` holding them all. Provider failures keep their code and say
 * whether another attempt may help (rate limits, outages and timeouts are retried; rejected
 * prompts, sizes and credentials are not).
 */
export function imageGenerateKind(deps: ImageGenerateDeps): ImageGenerateKind {
  const kind = defineTaskKind({
    name: IMAGE_GENERATE_KIND,
    input: withPromptLimit(deps.provider.maxPromptLength),
    concurrency: 2,
    maxAttempts: 3,
    timeoutMs: 5 * 60_000,
    backoff: { baseMs: 5_000, maxMs: 60_000 },
    run: (ctx) => generateImages(deps, ctx),
    async cleanup(task) {
      await Promise.all(imageGenerateFileKeys(task).map((key) => deps.storage.delete(key)));
    },
  });
  return { ...kind, imageProvider: { id: deps.provider.id, model: deps.provider.model } };
}

/** The kind's input, also refusing prompts longer than the provider takes (checked when created). */
function withPromptLimit(maxPromptLength: number | undefined) {
  if (maxPromptLength === undefined) return ImageGenerateInput;
  return ImageGenerateInput.refine((input) => input.prompt.length <= maxPromptLength, {
    path: ["prompt"],
    message: `At most ${maxPromptLength} characters for this image provider`,
  });
}

/**
 * The provider behind a registry's `image.generate` kind, or null when the registry has none
 * (no provider is configured).
 */
export function imageProviderOf(kinds: TaskKinds): ImageProviderInfo | null {
  const kind = kinds.get(IMAGE_GENERATE_KIND);
  if (!kind || !isImageGenerateKind(kind)) return null;
  return { id: kind.imageProvider.id, model: kind.imageProvider.model };
}

function isImageGenerateKind(
  kind: TaskKind<unknown>,
): kind is TaskKind<unknown> & Pick<ImageGenerateKind, "imageProvider"> {
  return "imageProvider" in kind && typeof kind.imageProvider === "object" && !!kind.imageProvider;
}

async function generateImages(
  deps: ImageGenerateDeps,
  ctx: TaskRunContext<ImageGenerateJob>,
): Promise<ImageGenerateOutput> {
  const { input, signal, task } = ctx;
  const { provider } = deps;

  const images = await callProvider(provider, ctx, providerRequest(input));
  signal.throwIfAborted();

  await ctx.progress(GENERATING, "Checking the images");
  const checked: CheckedImage[] = [];
  for (const [i, image] of images.entries()) {
    checked.push(await checkImage(provider.id, i + 1, image.bytes));
    signal.throwIfAborted();
  }
  await logSizes(ctx, checked);

  await ctx.progress(CHECKED, `Storing ${count(checked.length, "image")}`);
  const stored = checked.map((image, i) => {
    const seed = images[i]?.seed;
    const name = imageName(i + 1, image.ext);
    const file: ImageGenerateImageFile = {
      name,
      key: imageGenerateKey(task.id, name),
      bytes: image.bytes.byteLength,
      contentType: image.contentType,
      width: image.width,
      height: image.height,
      ...(seed === undefined ? {} : { seed }),
      thumbnailName: thumbnailName(i + 1),
      thumbnailKey: imageGenerateKey(task.id, thumbnailName(i + 1)),
      thumbnailContentType: THUMBNAIL_MIME,
    };
    return { image, file };
  });
  const zip = zipFiles(
    stored.map(({ image, file }) => ({ name: file.name, bytes: image.bytes })),
    (deps.clock ?? systemClock).now(),
  );
  const zipFile: ImageGenerateZipFile = {
    name: IMAGE_GENERATE_ZIP_NAME,
    key: imageGenerateKey(task.id, IMAGE_GENERATE_ZIP_NAME),
    bytes: zip.byteLength,
    contentType: ZIP_MIME,
  };
  await Promise.all([
    ...stored.flatMap(({ image, file }) => [
      deps.storage.put(file.key, image.bytes, { contentType: file.contentType }),
      deps.storage.put(file.thumbnailKey, image.thumbnail, { contentType: THUMBNAIL_MIME }),
    ]),
    deps.storage.put(zipFile.key, zip, { contentType: ZIP_MIME }),
  ]);
  await ctx.progress(100, `${count(stored.length, "image")} ready`);
  return {
    provider: provider.id,
    model: provider.model,
    prompt: input.prompt,
    files: [...stored.map(({ file }) => file), zipFile],
  };
}

function providerRequest(input: ImageGenerateJob): ImageRequest {
  return {
    prompt: input.prompt,
    width: input.width,
    height: input.height,
    count: input.count,
    ...(input.seed === undefined ? {} : { seed: input.seed }),
    ...(input.negativePrompt ? { negativePrompt: input.negativePrompt } : {}),
  };
}

/**
 * The provider's images (at most the count asked for), its progress forwarded to the task as
 * 0–80%, in order. A failed progress write fails the attempt once the provider is done.
 */
async function callProvider(
  provider: ImageProvider,
  ctx: TaskRunContext<ImageGenerateJob>,
  request: ImageRequest,
): Promise<GeneratedImage[]> {
  let reported: Promise<void> = Promise.resolve();
  let failed: { error: unknown } | undefined;
  const onProgress = (percent: number, message: string) => {
    reported = reported
      .then(() => ctx.progress((percent * GENERATING) / 100, message))
      .catch((error: unknown) => {
        failed ??= { error };
      });
  };

  let images: GeneratedImage[];
  try {
    images = await provider.generate(request, { signal: ctx.signal, onProgress });
  } finally {
    await reported;
  }
  if (failed) throw failed.error;
  if (images.length < request.count) {
    throw malformedResponse(
      provider.id,
      `returned ${images.length} of the ${count(request.count, "image")} asked for`,
    );
  }
  return images.slice(0, request.count);
}

/** Notes in the task's log when the provider made another size than the one asked for. */
async function logSizes(ctx: TaskRunContext<ImageGenerateJob>, images: CheckedImage[]) {
  const { width, height } = ctx.input;
  const other = images.find((image) => image.width !== width || image.height !== height);
  if (!other) return;
  await ctx.log({
    message: `The provider made ${other.width}x${other.height} images for the requested ${width}x${height}`,
    requested: { width, height },
    made: { width: other.width, height: other.height },
  });
}

/**
 * Every key a run of the task may have stored, whatever its output lists (a failed attempt may
 * have stored some): what `cleanup` removes.
 */
export function imageGenerateFileKeys(task: Pick<Task, "id">): string[] {
  const names = [IMAGE_GENERATE_ZIP_NAME];
  for (let n = 1; n <= IMAGE_GENERATE_MAX_COUNT; n++) {
    names.push(thumbnailName(n), ...["png", "jpg", "webp"].map((ext) => imageName(n, ext)));
  }
  return names.map((name) => imageGenerateKey(task.id, name));
}

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;
