/**
 * The `generate` capability: share cards rendered from templates. Use cases take the core
 * dependencies plus blob storage, a renderer and optional metrics (`GenerateDeps`); the renderer
 * is a worker-thread pool the host creates with `createCardRenderer` and closes on shutdown.
 */
export * from "./card";
export {
  composeCard,
  getTemplate,
  loadFonts,
  FONT_SET_ID,
  FONT_WEIGHTS,
  readFamilySpecs,
  type FamilySpec,
  THEME_PRESETS,
  type CardTemplate,
  type FontLoadTiming,
  type FontWeight,
  type LoadFontsOptions,
  type TemplateSummary,
  type ThemePreset,
} from "./engine";
export {
  CARD_FILE_EXT,
  CARD_MAX_FIELDS,
  CARD_MAX_FIELDS_TEXT_BYTES,
  CARD_MAX_IMAGE_BYTES,
  CARD_MAX_IMAGE_PIXELS,
  CARD_MAX_IMAGES,
  CARD_MIME,
  CARD_THUMBNAIL_WIDTH,
  CardHistoryInput,
  CardImageExt,
  CardKey,
  CardVisibility,
  CardDesignInput,
  CreateCardInput,
  DEFAULT_QUALITY,
  DeleteCardInput,
  ReadCardImageInput,
  type CardHistoryPage,
  type CardImage,
  type CardSummary,
  type CreatedCard,
} from "./schemas";
export type {
  BlobStorage,
  CardRenderer,
  GenerateDeps,
  GenerateMetrics,
  RenderJob,
  RenderLane,
  RenderOptions,
  RenderRejection,
  RenderedCard,
  SourceImage,
} from "./ports";
export { cardBlobKey, cardKey, canonicalJson, type CardKeyParts } from "./cache-key";
export {
  loadCardImages,
  resolveCardUploads,
  type CardImageSource,
  type CardUploads,
} from "./card-uploads";
export {
  createCard,
  planCard,
  planUserCard,
  type CardPlan,
  CARD_INDEX_TTL_MS,
  type CardIndexEntry,
  type CreateCardParams,
} from "./create-card";
export { cardHistory, type CardHistoryParams } from "./card-history";
export { previewCard, type CardPreview, type PreviewCardParams } from "./preview-card";
export { deleteCard, type DeleteCardParams } from "./delete-card";
export { createdCardImage, readCardImage, type ReadCardImageParams } from "./read-card-image";
export { listTemplates } from "./list-templates";
export { createCardRenderer, type CardRendererOptions } from "./render/pool";
export { sourceRenderWorker, workerScript, type WorkerScript } from "./render/worker-script";
export { createRenderHandler, type CardComposer, type RenderTaskResult } from "./render/task";
export { RASTERISER_BY_FORMAT, type Rasteriser } from "./render/rasterise";
export { createRecentCards, type RecentCards, type RecentCardsOptions } from "./recent-cards";
