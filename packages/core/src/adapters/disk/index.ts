export { DiskBlobStorage } from "./blob-storage";
