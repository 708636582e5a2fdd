/**
 * The `image.generate` task kind: images from a text prompt by the configured image provider,
 * stored with WebP thumbnails and a zip of them all. Hosts register
 * `imageGenerateKind({ provider, storage })` only when a provider is configured (see
 * `builtInTaskKinds`); `createImageTask` queues one, or says clearly that none is configured.
 */
export {
  createImageTask,
  IMAGE_PROVIDER_VARIABLES,
  noImageProvider,
  type CreateImageTaskParams,
} from "./create-image-task";
export { IMAGE_GENERATE_MAX_PIXELS, IMAGE_THUMBNAIL_SIZE } from "./images";
export {
  IMAGE_GENERATE_KIND,
  IMAGE_GENERATE_ZIP_NAME,
  imageGenerateFileKeys,
  imageGenerateKey,
  imageGenerateKind,
  imageProviderOf,
  type ImageGenerateDeps,
  type ImageGenerateKind,
} from "./kind";
export {
  IMAGE_GENERATE_MAX_COUNT,
  IMAGE_GENERATE_MAX_NEGATIVE_PROMPT,
  IMAGE_GENERATE_MAX_PROMPT,
  IMAGE_GENERATE_MAX_SIDE,
  IMAGE_GENERATE_MIN_SIDE,
  ImageGenerateInput,
  type ImageGenerateImageFile,
  type ImageGenerateJob,
  type ImageGenerateOutput,
  type ImageGenerateZipFile,
  type ImageProviderInfo,
} from "./schemas";
