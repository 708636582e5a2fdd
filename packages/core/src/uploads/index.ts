/**
 * The `uploads` capability: images users upload to use in their cards (`upload:<id>` in an image
 * field). Use cases take the database, the blob storage the bytes live in and the limits
 * (`UploadDeps`); the bytes are checked by their content, never by a declared type.
 */
export {
  DEFAULT_UPLOAD_LIMITS,
  DeleteUploadInput,
  ListUploadsInput,
  UPLOAD_MIMES,
  looksLikeUploadRef,
  uploadIdOf,
  uploadRef,
  type CreatedUpload,
  type Upload,
  type UploadFile,
  type UploadLimits,
  type UploadMime,
  type UploadsPage,
} from "./schemas";
export type { UploadDeps } from "./ports";
export { sniffImage } from "./sniff";
export { findOwnUploads, readUploadBytes, uploadBlobKey } from "./queries";
export {
  cleanFileName,
  createUpload,
  uploadTooLarge,
  type CreateUploadParams,
} from "./create-upload";
export { listUploads, type ListUploadsParams } from "./list-uploads";
export { readUpload, type ReadUploadParams } from "./read-upload";
export { deleteUpload, type DeleteUploadParams } from "./delete-upload";
