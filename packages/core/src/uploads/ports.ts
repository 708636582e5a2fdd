import type { CoreDeps } from "../context";
import type { BlobStorage } from "../ports";
import type { UploadLimits } from "./schemas";

/** What the upload use cases are given: the database, blob storage for the bytes, the limits. */
export interface UploadDeps extends Pick<CoreDeps, "db" | "log" | "clock"> {
  blobs: BlobStorage;
  limits: UploadLimits;
}
