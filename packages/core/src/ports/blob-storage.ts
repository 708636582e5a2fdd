/** A stored key and when its bytes were last written. */
export interface StoredBlob {
  key: string;
  modifiedAt: Date;
}

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
  /**
   * Every key under `prefix` (a key's leading segments, ending with `/`), in no particular order.
   * Writes under way are not listed.
   */
  list(prefix: string): AsyncIterable<StoredBlob>;
  /**
   * Removes what the store's own bookkeeping left behind and was last touched before `before`
   * (a disk's temporary files of writes a crash cut short, its empty folders); returns how many
   * entries went. Stores that leave nothing behind do not have it.
   */
  removeLeftovers?(before: Date): Promise<number>;
}
