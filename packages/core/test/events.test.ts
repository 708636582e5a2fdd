import { randomUUID } from "node:crypto";

import { schema } from "@genflow/db";
import { createTestDatabase, type TestDatabase } from "@genflow/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { MemoryPubSub } from "../src/adapters/memory";
import { createRedisAdapters, type RedisAdapters } from "../src/adapters/redis";
import type { CoreDeps } from "../src/context";
import {
  listUserEvents,
  publishUserEvent,
  pruneUserEvents,
  streamUserEvents,
  userChannel,
  type UserEvent,
} from "../src/events";
import type { Clock, Logger, PubSub, Unsubscribe } from "../src/ports";
import { deleteKeys } from "../src/testing";

/** A logger that keeps what it is given, so tests can see what was reported. */
function recordingLogger(): Logger & { warnings: unknown[][] } {
  const warnings: unknown[][] = [];
  const noop = () => undefined;
  const log: Logger & { warnings: unknown[][] } = {
    warnings,
    debug: noop,
    info: noop,
    warn: (...args: unknown[]) => {
      warnings.push(args);
    },
    error: noop,
    child: () => log,
  };
  return log;
}

/** Passes everything through to a real pub/sub and counts the subscriptions still open. */
class CountingPubSub implements PubSub {
  open = 0;
  constructor(private readonly inner: PubSub) {}
  publish(channel: string, message: unknown): Promise<void> {
    return this.inner.publish(channel, message);
  }
  async subscribe(channel: string, listener: (message: unknown) => void): Promise<Unsubscribe> {
    const unsubscribe = await this.inner.subscribe(channel, listener);
    this.open += 1;
    let active = true;
    return async () => {
      if (active) this.open -= 1;
      active = false;
      await unsubscribe();
    };
  }
}

type Deps = Pick<CoreDeps, "db" | "pubsub" | "log" | "clock">;

let database: TestDatabase;
let redis: RedisAdapters | undefined;
let pubsub: CountingPubSub;
let log: ReturnType<typeof recordingLogger>;
let deps: Deps;
const keyPrefix = `genflow-test-${randomUUID()}:`;

const fixedClock = (iso: string): Clock => ({ now: () => new Date(iso) });

beforeAll(async () => {
  database = await createTestDatabase(process.env.DATABASE_URL);
  log = recordingLogger();
  const redisUrl = process.env.REDIS_URL;
  if (redisUrl) {
    redis = await createRedisAdapters({
      url: redisUrl,
      keyPrefix,
      policies: {},
      log,
    });
  }
  pubsub = new CountingPubSub(redis?.pubsub ?? new MemoryPubSub({ log }));
  deps = { db: database.db, pubsub, log, clock: { now: () => new Date() } };
});

afterAll(async () => {
  await redis?.close();
  if (redis && process.env.REDIS_URL) await deleteKeys(process.env.REDIS_URL, keyPrefix);
  await database.destroy();
});

async function createUser(): Promise<string> {
  const id = randomUUID();
  await database.db.insert(schema.user).values({ id, name: "Ada", email: `${id}@example.com` });
  return id;
}

async function publishMany(
  userId: string,
  count: number,
  type = "test.event",
): Promise<UserEvent[]> {
  const events: UserEvent[] = [];
  for (let i = 0; i < count; i++) {
    events.push(await publishUserEvent(deps, { userId, type, data: { n: i } }));
  }
  return events;
}

/** Pulls `count` events from the stream, failing if they do not all arrive within `timeoutMs`. */
async function take(
  stream: AsyncGenerator<UserEvent>,
  count: number,
  timeoutMs = 5_000,
): Promise<UserEvent[]> {
  const taken: UserEvent[] = [];
  const deadline = Date.now() + timeoutMs;
  while (taken.length < count) {
    const remaining = deadline - Date.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), Math.max(0, remaining));
    });
    const next = await Promise.race([stream.next(), timeout]);
    clearTimeout(timer);
    if (next === "timeout") throw new Error(`timed out after ${taken.length} of ${count} events`);
    if (next.done) throw new Error(`stream ended after ${taken.length} of ${count} events`);
    taken.push(next.value);
  }
  return taken;
}

/** Resolves true when the stream yields nothing within `ms` (the pending `next()` is left running). */
async function staysQuiet(
  stream: AsyncGenerator<UserEvent>,
  ms: number,
): Promise<{ quiet: boolean; pending: Promise<IteratorResult<UserEvent, void>> }> {
  const pending = stream.next();
  const outcome = await Promise.race([
    pending.then(() => "event" as const),
    new Promise<"quiet">((resolve) => setTimeout(() => resolve("quiet"), ms)),
  ]);
  return { quiet: outcome === "quiet", pending };
}

const ids = (events: UserEvent[]) => events.map((e) => e.id);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("publishUserEvent and listUserEvents", () => {
  it("appends to the user's log and lists it in id order, scoped to the user", async () => {
    const alice = await createUser();
    const bob = await createUser();
    const published = await publishMany(alice, 3);
    await publishUserEvent(deps, { userId: bob, type: "other.event", data: { secret: true } });

    const listed = await listUserEvents(deps, { userId: alice });
    expect(listed).toEqual(published);
    expect(listed.map((e) => e.data)).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }]);
    expect(listed.every((e) => e.createdAt instanceof Date && e.type === "test.event")).toBe(true);
    const [first, second] = ids(published);
    expect(first).toBeLessThan(second ?? 0);
  });

  it("pages with afterId and limit", async () => {
    const userId = await createUser();
    const published = await publishMany(userId, 5);
    const [, second, third, fourth] = ids(published);
    const page = await listUserEvents(deps, { userId, afterId: second, limit: 2 });
    expect(ids(page)).toEqual([third, fourth]);
    await expect(listUserEvents(deps, { userId, limit: 0 })).rejects.toThrow();
  });

  it("fans each event out with the id of the user's previous event", async () => {
    const userId = await createUser();
    const received: unknown[] = [];
    const unsubscribe = await pubsub.subscribe(userChannel(userId), (message) =>
      received.push(message),
    );
    try {
      const [first, second] = await publishMany(userId, 2);
      await waitFor(() => received.length === 2);
      expect(received).toEqual([
        {
          id: first?.id,
          type: "test.event",
          data: { n: 0 },
          createdAt: first?.createdAt.toISOString(),
          prevId: null,
        },
        {
          id: second?.id,
          type: "test.event",
          data: { n: 1 },
          createdAt: second?.createdAt.toISOString(),
          prevId: first?.id,
        },
      ]);
    } finally {
      await unsubscribe();
    }
  });
});

describe("publishUserEvent when the pub/sub cannot publish", () => {
  it("keeps the stored event, reports the failure and lets subscribers read it from the log", async () => {
    const userId = await createUser();
    const warnings = log.warnings.length;
    const event = await publishUserEvent(
      {
        ...deps,
        pubsub: {
          publish: () => Promise.reject(new Error("pub/sub is unreachable")),
          subscribe: (channel, listener) => pubsub.subscribe(channel, listener),
        },
      },
      { userId, type: "test.event", data: { n: 1 } },
    );
    expect(await listUserEvents(deps, { userId, afterId: 0, limit: 10 })).toEqual([event]);
    expect(log.warnings.length).toBe(warnings + 1);
    expect(JSON.stringify(log.warnings.at(-1))).toContain(userId);
  });
});

describe("streamUserEvents", () => {
  it("replays the log after lastEventId, then delivers live events", async () => {
    const userId = await createUser();
    const backlog = await publishMany(userId, 5);
    const controller = new AbortController();
    const stream = streamUserEvents(deps, {
      userId,
      lastEventId: backlog[1]?.id,
      signal: controller.signal,
    });

    const replayed = await take(stream, 3);
    expect(ids(replayed)).toEqual(ids(backlog.slice(2)));

    const live = await publishMany(userId, 2, "live.event");
    const delivered = await take(stream, 2);
    expect(delivered).toEqual(live);

    controller.abort();
    expect(await stream.next()).toEqual({ done: true, value: undefined });
  });

  it("without lastEventId starts after the newest event and replays nothing", async () => {
    const userId = await createUser();
    const history = await publishMany(userId, 3);
    const controller = new AbortController();
    const stream = streamUserEvents(deps, { userId, signal: controller.signal });
    const before = pubsub.open;
    const first = stream.next();
    await waitFor(() => pubsub.open > before);

    // The starting position is read right after subscribing; publish until the stream is live.
    const live: UserEvent[] = [];
    let result: IteratorResult<UserEvent, void> | undefined;
    while (!result && live.length < 50) {
      live.push(await publishUserEvent(deps, { userId, type: "live.event", data: {} }));
      result = await Promise.race([first, sleep(100).then(() => undefined)]);
    }
    expect(result?.value?.type).toBe("live.event");
    expect(ids(live)).toContain(result?.value?.id);
    expect(ids(history)).not.toContain(result?.value?.id);
    controller.abort();
    expect(await stream.next()).toEqual({ done: true, value: undefined });
  });

  it("has no duplicates and no gaps when events are published during the replay", async () => {
    const userId = await createUser();
    const backlog = await publishMany(userId, 10);
    const controller = new AbortController();
    const stream = streamUserEvents(deps, {
      userId,
      lastEventId: 0,
      batchSize: 3,
      signal: controller.signal,
    });

    const received: UserEvent[] = [];
    const publishedDuringReplay: UserEvent[] = [];
    // Each replayed event triggers a new publish while the replay is still reading batches.
    for (let i = 0; i < backlog.length; i++) {
      const [event] = await take(stream, 1);
      if (event) received.push(event);
      publishedDuringReplay.push(
        await publishUserEvent(deps, { userId, type: "during.replay", data: { i } }),
      );
    }
    received.push(...(await take(stream, publishedDuringReplay.length)));

    const all = await listUserEvents(deps, { userId, limit: 500 });
    expect(all).toHaveLength(20);
    expect(ids(received)).toEqual(ids(all));
    const quiet = await staysQuiet(stream, 150);
    expect(quiet.quiet).toBe(true);
    controller.abort();
    expect(await quiet.pending).toEqual({ done: true, value: undefined });
  });

  it("keeps order under concurrent publishers", async () => {
    const userId = await createUser();
    await publishMany(userId, 2);
    const stream = streamUserEvents(deps, { userId, lastEventId: 0, batchSize: 4 });
    const firstTwo = await take(stream, 2);

    const concurrent = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        publishUserEvent(deps, { userId, type: "burst", data: { i } }),
      ),
    );
    const rest = await take(stream, concurrent.length);
    const received = [...firstTwo, ...rest];
    const all = await listUserEvents(deps, { userId, limit: 500 });
    expect(ids(received)).toEqual(ids(all));
    expect(new Set(ids(received)).size).toBe(27);
    await stream.return();
  });

  it("recovers an event whose message never arrived from the log", async () => {
    const userId = await createUser();
    const [start] = await publishMany(userId, 1);
    const stream = streamUserEvents(deps, { userId, lastEventId: start?.id });
    const idle = await staysQuiet(stream, 50);
    expect(idle.quiet).toBe(true);

    // Appended to the log, but its message is lost (pub/sub delivery is at-most-once).
    const [lost] = await database.db
      .insert(schema.userEvents)
      .values({ userId, type: "lost.message", data: {} })
      .returning();
    const next = await publishUserEvent(deps, { userId, type: "after.loss", data: {} });

    const first = await idle.pending;
    const [second] = await take(stream, 1);
    expect([first.value?.id, second?.id]).toEqual([lost?.id, next.id]);
    expect(first.value?.type).toBe("lost.message");
    await stream.return();
  });

  it("reads the log instead when its live buffer overflows", async () => {
    const userId = await createUser();
    const [start] = await publishMany(userId, 1);
    const stream = streamUserEvents(deps, { userId, lastEventId: 0, maxBuffered: 3 });
    const [first] = await take(stream, 1);
    expect(first?.id).toBe(start?.id);

    // The consumer is not pulling while these arrive.
    const burst = await publishMany(userId, 12);
    const received = await take(stream, burst.length);
    expect(ids(received)).toEqual(ids(burst));
    await stream.return();
  });

  it("ignores malformed messages on the channel", async () => {
    const userId = await createUser();
    const before = pubsub.open;
    const stream = streamUserEvents(deps, { userId, lastEventId: 0 });
    const idle = await staysQuiet(stream, 50);
    await waitFor(() => pubsub.open > before);
    const warningsBefore = log.warnings.length;
    await pubsub.publish(userChannel(userId), { hello: "world" });
    await waitFor(() => log.warnings.length > warningsBefore);
    const event = await publishUserEvent(deps, { userId, type: "valid", data: {} });
    expect((await idle.pending).value).toEqual(event);
    await stream.return();
  });

  it("ends and unsubscribes when the signal aborts while waiting for live events", async () => {
    const userId = await createUser();
    const before = pubsub.open;
    const controller = new AbortController();
    const stream = streamUserEvents(deps, { userId, lastEventId: 0, signal: controller.signal });
    const idle = await staysQuiet(stream, 50);
    expect(idle.quiet).toBe(true);
    await waitFor(() => pubsub.open === before + 1);

    controller.abort();
    expect(await idle.pending).toEqual({ done: true, value: undefined });
    expect(pubsub.open).toBe(before);

    // Nothing is delivered after the end.
    await publishMany(userId, 1);
    expect(await stream.next()).toEqual({ done: true, value: undefined });
  });

  it("ends during the replay when aborted and unsubscribes", async () => {
    const userId = await createUser();
    await publishMany(userId, 6);
    const before = pubsub.open;
    const controller = new AbortController();
    const stream = streamUserEvents(deps, {
      userId,
      lastEventId: 0,
      batchSize: 2,
      signal: controller.signal,
    });
    await take(stream, 3);
    controller.abort();
    expect(await stream.next()).toEqual({ done: true, value: undefined });
    expect(pubsub.open).toBe(before);
  });

  it("unsubscribes when the consumer stops early", async () => {
    const userId = await createUser();
    await publishMany(userId, 3);
    const before = pubsub.open;
    for await (const event of streamUserEvents(deps, { userId, lastEventId: 0 })) {
      expect(event.type).toBe("test.event");
      break;
    }
    expect(pubsub.open).toBe(before);
  });

  it("does not subscribe at all when the signal is already aborted", async () => {
    const userId = await createUser();
    const before = pubsub.open;
    const stream = streamUserEvents(deps, { userId, lastEventId: 0, signal: AbortSignal.abort() });
    expect(await stream.next()).toEqual({ done: true, value: undefined });
    expect(pubsub.open).toBe(before);
  });
});

describe("pruneUserEvents", () => {
  async function insertAged(userId: string, createdAt: string, count: number): Promise<number[]> {
    const rows = await database.db
      .insert(schema.userEvents)
      .values(
        Array.from({ length: count }, (_, i) => ({
          userId,
          type: "aged",
          data: { i },
          createdAt: new Date(createdAt),
        })),
      )
      .returning({ id: schema.userEvents.id });
    return rows.map((r) => r.id);
  }

  it("deletes a user's events older than the age limit and beyond the newest N", async () => {
    const userId = await createUser();
    const other = await createUser();
    await insertAged(userId, "2030-01-01T00:00:00Z", 3); // 14 days old at the clock below
    const recent = await insertAged(userId, "2030-01-14T00:00:00Z", 5); // 1 day old
    const othersOld = await insertAged(other, "2030-01-01T00:00:00Z", 2);

    const result = await pruneUserEvents(
      { ...deps, clock: fixedClock("2030-01-15T00:00:00Z") },
      { userId, maxAgeDays: 7, maxEventsPerUser: 2, batchSize: 2 },
    );
    expect(result).toEqual({ expired: 3, overflow: 3 });
    expect(ids(await listUserEvents(deps, { userId }))).toEqual(recent.slice(-2));
    // Another user's log is untouched when pruning is scoped to one user.
    expect(ids(await listUserEvents(deps, { userId: other }))).toEqual(othersOld);
  });

  it("prunes every user's log when no user is given", async () => {
    const first = await createUser();
    const second = await createUser();
    const firstIds = await insertAged(first, "2031-06-10T00:00:00Z", 4);
    const secondIds = await insertAged(second, "2031-06-10T00:00:00Z", 2);
    await insertAged(second, "2031-05-01T00:00:00Z", 1);

    const result = await pruneUserEvents(
      { ...deps, clock: fixedClock("2031-06-11T00:00:00Z") },
      { maxEventsPerUser: 3 },
    );
    expect(result.expired).toBeGreaterThanOrEqual(1);
    expect(result.overflow).toBeGreaterThanOrEqual(1);
    expect(ids(await listUserEvents(deps, { userId: first }))).toEqual(firstIds.slice(-3));
    // The second user's old event was inserted last but is past the age limit.
    expect(ids(await listUserEvents(deps, { userId: second }))).toEqual(secondIds);
  });

  it("keeps recent events under the defaults", async () => {
    const userId = await createUser();
    const published = await publishMany(userId, 3);
    await pruneUserEvents(deps, { userId });
    expect(await listUserEvents(deps, { userId })).toEqual(published);
  });
});
