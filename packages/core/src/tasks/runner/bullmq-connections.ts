import { Redis, type RedisOptions } from "ioredis";

/**
 * A worker connection template that remembers the connections made from it. BullMQ closes the
 * connections it duplicates with QUIT, which waits for a Redis that is away, and its forced
 * disconnect waits for an `end` event that ioredis never emits for a client between reconnect
 * attempts; so the runner ends them itself when Redis is unreachable or a graceful close has run
 * out of time.
 */
class WorkerConnectionTemplate extends Redis {
  private readonly made = new Set<Redis>();

  override duplicate(override?: Partial<RedisOptions>): Redis {
    const connection = super.duplicate(override);
    this.made.add(connection);
    connection.once("end", () => this.made.delete(connection));
    return connection;
  }

  /** Drops every connection made from this template at once, reconnecting or not. */
  disconnectAll(): void {
    for (const connection of this.made) connection.disconnect();
    this.made.clear();
  }
}

/** The Redis links of a BullMQ runner. */
export interface QueueConnections {
  /** Shared by every queue for adding jobs: fails fast while Redis is unreachable. */
  producer: Redis;
  /**
   * Never connected itself: each BullMQ worker duplicates it into the two connections it owns (one
   * for commands, one for its blocking fetch), which must retry forever (`maxRetriesPerRequest: null`).
   */
  workerTemplate: Redis;
  /**
   * Drops the workers' connections at once (no QUIT, no reconnect): what is left to do when the
   * workers did not close in time, e.g. while Redis is unreachable.
   */
  disconnectWorkers(): void;
  /**
   * Settles when the producer is not connected (at once if it is not now): Redis is unreachable,
   * so nothing waiting on it will finish soon. `cancel` stops watching.
   */
  producerLost(): { lost: Promise<void>; cancel(): void };
  /** Resolves true once the producer is connected, or false after `timeoutMs` (it keeps trying). */
  producerReady(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/** How long closing waits for Redis to answer QUIT before dropping the connection. */
const QUIT_TIMEOUT_MS = 1_000;

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
  const workerTemplate = new WorkerConnectionTemplate(url, {
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
    producerLost() {
      if (producer.status !== "ready") return { lost: Promise.resolve(), cancel: () => undefined };
      let onClose = () => undefined as void;
      const lost = new Promise<void>((resolve) => {
        onClose = resolve;
        producer.once("close", onClose);
      });
      return { lost, cancel: () => producer.off("close", onClose) };
    },
    disconnectWorkers: () => workerTemplate.disconnectAll(),
    async close() {
      // QUIT politely, but not for long: a stalled Redis never answers it.
      if (producer.status === "ready") {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          producer.quit().catch(() => undefined),
          new Promise((resolve) => (timer = setTimeout(resolve, QUIT_TIMEOUT_MS))),
        ]);
        clearTimeout(timer);
      }
      producer.disconnect();
      workerTemplate.disconnectAll();
      workerTemplate.disconnect();
    },
  };
}

const CONNECTION_ERROR_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/** True for the errors of a Redis that is unreachable or went away (its clients reconnect). */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  return (
    (code !== undefined && CONNECTION_ERROR_CODES.has(code)) ||
    error.message === "Connection is closed." ||
    // A command sent while the socket is closing, before its client has noticed.
    error.message.startsWith("Stream isn't writeable")
  );
}
