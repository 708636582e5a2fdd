import { Redis } from "ioredis";

/** The Redis links of a BullMQ runner. */
export interface QueueConnections {
  /** Shared by every queue for adding jobs: fails fast while Redis is unreachable. */
  producer: Redis;
  /**
   * Never connected itself: each BullMQ worker duplicates it into the two connections it owns (one
   * for commands, one for its blocking fetch), which must retry forever (`maxRetriesPerRequest: null`).
   */
  workerTemplate: Redis;
  /** Resolves true once the producer is connected, or false after `timeoutMs` (it keeps trying). */
  producerReady(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export function createQueueConnections(url: string, name: string): QueueConnections {
  const producer = new Redis(url, {
    connectionName: `${name}tasks-producer`,
    // An add while Redis is away fails at once; the reconciler adds the job once it is back.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
  });
  // Errors surface through the calls that fail; an unhandled 'error' event would crash the process.
  producer.on("error", () => undefined);
  const workerTemplate = new Redis(url, {
    connectionName: `${name}tasks-worker`,
    lazyConnect: true,
    maxRetriesPerRequest: null,
    retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
  });
  return {
    producer,
    workerTemplate,
    producerReady(timeoutMs) {
      if (producer.status === "ready") return Promise.resolve(true);
      return new Promise((resolve) => {
        const onReady = () => {
          clearTimeout(timer);
          resolve(true);
        };
        const timer = setTimeout(() => {
          producer.off("ready", onReady);
          resolve(false);
        }, timeoutMs);
        producer.once("ready", onReady);
      });
    },
    async close() {
      if (producer.status === "ready") await producer.quit().catch(() => undefined);
      producer.disconnect();
      workerTemplate.disconnect();
    },
  };
}
