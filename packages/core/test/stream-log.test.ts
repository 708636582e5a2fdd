import { describe, expect, it } from "vitest";

import { MemoryPubSub } from "../src/adapters/memory";
import { streamLog, type LogMessage, type LogSource } from "../src/streams/stream-log";
import { recordingLogger } from "./adapters-helpers";

interface Entry {
  id: number;
  text: string;
}

/** A log kept in memory: `append` stores an entry and, unless told not to, publishes it. */
function memoryLog() {
  const entries: Entry[] = [];
  const pubsub = new MemoryPubSub();
  const channel = "log";
  const source: LogSource<Entry> = {
    channel,
    parse: (message) => ({ ok: true, messages: [message as LogMessage<Entry>] }),
    readAfter: (afterId, limit) =>
      Promise.resolve(entries.filter((entry) => entry.id > afterId).slice(0, limit)),
    latestId: () => Promise.resolve(entries.at(-1)?.id ?? 0),
  };
  const append = async (text: string, options: { publish: boolean } = { publish: true }) => {
    const entry = { id: (entries.at(-1)?.id ?? 0) + 1, text };
    const prevId = entries.at(-1)?.id ?? null;
    entries.push(entry);
    if (options.publish) await pubsub.publish(channel, { entry, prevId });
  };
  return { pubsub, source, append };
}

/** Reads `count` entries from the stream, or fails after `ms`. */
async function take(stream: AsyncGenerator<Entry>, count: number, ms: number): Promise<Entry[]> {
  const seen: Entry[] = [];
  const reading = (async () => {
    for await (const entry of stream) {
      seen.push(entry);
      if (seen.length === count) return seen;
    }
    return seen;
  })();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`got ${seen.map((entry) => entry.text).join(", ")} only`)),
      ms,
    );
  });
  try {
    return await Promise.race([reading, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Follows `log` from its start, checking storage after `idleCheckMs` without a message. */
function follow(log: ReturnType<typeof memoryLog>, idleCheckMs: number) {
  const controller = new AbortController();
  const stream = streamLog({ pubsub: log.pubsub, log: recordingLogger().log }, log.source, {
    lastEventId: 0,
    signal: controller.signal,
    idleCheckMs,
  });
  return { stream, stop: () => controller.abort() };
}

describe("streamLog", () => {
  it("reads an entry whose message never came once the stream has been idle", async () => {
    const log = memoryLog();
    const { stream, stop } = follow(log, 100);
    const reading = take(stream, 2, 2_000);
    // The stream is live (its replay found nothing) once the subscription exists.
    await new Promise((resolve) => setTimeout(resolve, 20));
    await log.append("one");
    // Stored, but its announcement is lost, and nothing after it shows the gap.
    await log.append("two", { publish: false });
    const seen = await reading;
    stop();
    expect(seen.map((entry) => entry.text)).toEqual(["one", "two"]);
  });

  it("stays live when the idle check cannot read storage, and checks again later", async () => {
    const log = memoryLog();
    const latestId = log.source.latestId.bind(log.source);
    let failures = 0;
    log.source.latestId = () => {
      if (failures === 0) {
        failures += 1;
        return Promise.reject(new Error("storage is unreachable"));
      }
      return latestId();
    };
    const { stream, stop } = follow(log, 50);
    const reading = take(stream, 1, 2_000);
    // The first idle check fails; the stream stays live.
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(failures).toBe(1);
    // A later one finds what no message announced.
    await log.append("one", { publish: false });
    const seen = await reading;
    stop();
    expect(seen.map((entry) => entry.text)).toEqual(["one"]);
  });

  it("delivers each entry once when a late message follows the idle check's read", async () => {
    const log = memoryLog();
    const { stream, stop } = follow(log, 50);
    const first = take(stream, 3, 2_000);
    await log.append("one", { publish: false });
    await new Promise((resolve) => setTimeout(resolve, 150));
    // The message of "one" arrives late (after storage gave it), then "two" and "three" live.
    await log.pubsub.publish("log", { entry: { id: 1, text: "one" }, prevId: null });
    await log.append("two");
    await log.append("three");
    const seen = await first;
    stop();
    expect(seen.map((entry) => entry.id)).toEqual([1, 2, 3]);
  });
});
