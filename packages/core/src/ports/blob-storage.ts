/**
 * Opaque byte storage addressed by key (local disk, or an object store in production). Rendered
 * cards and uploaded images live here.
 */
export interface BlobStorage {
  /** Stores `bytes` under `key`, replacing what was there. Readers never see a partial write. */
  put(key: string, bytes: Uint8Array, options: { contentType: string }): Promise<void>;
  /** The bytes under `key`, or undefined when there are none. */
  get(key: string): Promise<Uint8Array | undefined>;
  has(key: string): Promise<boolean>;
  /** Removes `key`; removing a key that does not exist is not an error. */
  delete(key: string): Promise<void>;
}
