/**
 * The `cards.batch` task kind: a zip of share cards, one per row of JSON or CSV, made from one
 * template for the task's owner. Hosts register `cardsBatchKind({ generate, storage })` with the
 * other kinds they run.
 */
export {
  CARDS_BATCH_KIND,
  CARDS_BATCH_ZIP_NAME,
  cardsBatchKind,
  cardsBatchZipKey,
  type CardsBatchDeps,
} from "./kind";
export {
  CARDS_BATCH_MAX_DATA_BYTES,
  CARDS_BATCH_MAX_PATTERN,
  CARDS_BATCH_MAX_ROWS,
  CARDS_BATCH_MAX_ZIP_BYTES,
  CardsBatchInput,
  type CardsBatchFile,
  type CardsBatchJob,
  type CardsBatchManifest,
  type CardsBatchManifestEntry,
  type CardsBatchOutput,
  type CardsBatchRow,
  type CardsBatchRowWarnings,
} from "./schemas";
export { DEFAULT_FILE_NAME_PATTERN } from "./file-names";
export type { RowProblem } from "./plan-rows";
