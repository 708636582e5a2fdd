/**
 * Group commit: calls that arrive while a flush is running wait for it and then go together in
 * the next one, so under load one statement (and one commit) serves many callers, while a lone
 * call goes at once (after the current microtasks, so calls made together share a flush too).
 *
 * `flush` gets the items of one batch (at most `maxBatch`) and returns one result per item, in
 * order; when it throws, every caller of that batch gets the error.
 */
export function groupCommit<I, O>(
  flush: (items: I[]) => Promise<O[]>,
  maxBatch: number,
): (item: I) => Promise<O> {
  interface Waiting {
    item: I;
    resolve(value: O): void;
    reject(error: unknown): void;
  }
  const waiting: Waiting[] = [];
  let flushing = false;

  const run = async () => {
    while (waiting.length > 0) {
      const batch = waiting.splice(0, maxBatch);
      try {
        const results = await flush(batch.map((entry) => entry.item));
        batch.forEach((entry, index) => entry.resolve(results[index] as O));
      } catch (error) {
        for (const entry of batch) entry.reject(error);
      }
    }
    flushing = false;
  };

  return (item) =>
    new Promise<O>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      if (flushing) return;
      flushing = true;
      queueMicrotask(() => void run());
    });
}

/**
 * One value per writer (its database handle, a transaction getting its own, and its pub/sub) and
 * key, made on first use: for the group-commit functions of one database and one set of watchers.
 */
export function perWriter<D extends { db: object; pubsub: object }, T>(
  make: (deps: D) => T,
): (deps: D, key?: string) => T {
  const byDb = new WeakMap<object, WeakMap<object, Map<string, T>>>();
  return (deps, key = "") => {
    let byPubsub = byDb.get(deps.db);
    if (!byPubsub) {
      byPubsub = new WeakMap();
      byDb.set(deps.db, byPubsub);
    }
    let byKey = byPubsub.get(deps.pubsub);
    if (!byKey) {
      byKey = new Map();
      byPubsub.set(deps.pubsub, byKey);
    }
    let value = byKey.get(key);
    if (value === undefined) {
      value = make(deps);
      byKey.set(key, value);
    }
    return value;
  };
}
