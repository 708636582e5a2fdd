import { DomainError } from "@genflow/core/errors";
import { defineTaskKind, taskKinds, type TaskUpdate } from "@genflow/core/tasks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";

import { createTestHarness, failureOf, type TestHarness } from "./support";

/**
 * The `tasks` procedures and `generate.batch` through the API layer: ownership, the error
 * envelope, file URLs, the live subscription, and a real card batch run by the harness's runner.
 */

const releases = new Map<string, () => void>();

const note = defineTaskKind({
  name: "test.note",
  input: z.object({ text: z.string().min(1).max(50), hold: z.boolean().default(false) }),
  concurrency: 4,
  maxAttempts: 1,
  timeoutMs: 10_000,
  backoff: { baseMs: 10, maxMs: 50 },
  async run({ task, input, signal, progress }) {
    await progress(30, "writing");
    if (input.hold) {
      await new Promise<void>((resolve, reject) => {
        releases.set(task.id, resolve);
        signal.addEventListener("abort", () => reject(signal.reason as Error));
      }).finally(() => releases.delete(task.id));
    }
    const key = `tasks/${task.id}/note.txt`;
    await h.tasks.storage.put(key, Buffer.from(input.text), { contentType: "text/plain" });
    return {
      files: [{ name: "note.txt", key, bytes: input.text.length, contentType: "text/plain" }],
    };
  },
});

const refuse = defineTaskKind({
  name: "test.refuse",
  input: z.object({}),
  concurrency: 1,
  maxAttempts: 2,
  timeoutMs: 10_000,
  backoff: { baseMs: 10, maxMs: 50 },
  run: () => Promise.reject(new DomainError("VALIDATION", "nothing to do here")),
});

let h: TestHarness;
let owner: Awaited<ReturnType<TestHarness["signUp"]>>;
let other: Awaited<ReturnType<TestHarness["signUp"]>>;

beforeAll(async () => {
  // cards.batch is the harness's real kind; the test kinds sit beside it.
  const { builtInTaskKinds } = await import("@genflow/core/tasks/built-in");
  h = await createTestHarness({
    taskKinds: new Map([...taskKinds([note, refuse])]),
  });
  const builtIn = builtInTaskKinds({ generate: h.services.generate, storage: h.tasks.storage });
  for (const [name, kind] of builtIn) (h.tasks.kinds as Map<string, typeof kind>).set(name, kind);
  owner = await h.signUp();
  other = await h.signUp();
});

afterAll(async () => {
  for (const release of releases.values()) release();
  await h.close();
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function settled(cookie: string, id: string) {
  const api = h.caller({ cookie });
  for (let i = 0; i < 400; i += 1) {
    const task = await api.tasks.byId({ id });
    if (!["queued", "running"].includes(task.status)) return task;
    await sleep(25);
  }
  throw new Error(`task ${id} did not finish`);
}

/** Creates a task through the core use case, as a capability's procedure would. */
async function createNote(userId: string, text: string, hold = false) {
  const { createTask } = await import("@genflow/core/tasks");
  const { task } = await createTask(h.services, {
    userId,
    input: { kind: "test.note", input: { text, hold } },
  });
  return task;
}

describe("tasks", () => {
  it("lists and shows the caller's tasks with URLs for their files", async () => {
    const task = await createNote(owner.user.id, "hello");
    const done = await settled(owner.cookie, task.id);
    expect(done).toMatchObject({ status: "succeeded", progress: 100, queue: null });
    const file = (done.output?.["files"] as { url: string; name: string }[])[0];
    expect(file).toMatchObject({ name: "note.txt" });
    expect(file?.url).toBe(`${h.services.config.publicUrl}/api/tasks/${task.id}/files/note.txt`);

    const page = await h.caller({ cookie: owner.cookie }).tasks.list({ kind: "test.note" });
    expect(page.items.map((t) => t.id)).toContain(task.id);
    const theirs = await h.caller({ cookie: other.cookie }).tasks.list({});
    expect(theirs.items.map((t) => t.id)).not.toContain(task.id);
  });

  it("keeps other users' tasks out of reach and requires sign-in", async () => {
    const task = await createNote(owner.user.id, "private");
    const stranger = h.caller({ cookie: other.cookie });
    for (const call of [
      () => stranger.tasks.byId({ id: task.id }),
      () => stranger.tasks.cancel({ id: task.id }),
      () => stranger.tasks.retry({ id: task.id }),
      () => stranger.tasks.delete({ id: task.id }),
    ]) {
      // Thunks: each call starts only when awaited, so no rejection waits unobserved.
      expect((await failureOf(call())).code).toBe("NOT_FOUND");
    }
    expect((await failureOf(h.caller().tasks.list({}))).code).toBe("UNAUTHORIZED");
    // The first user to sign up is the admin; the second is not.
    expect((await failureOf(h.caller({ cookie: other.cookie }).tasks.stats())).code).toBe(
      "FORBIDDEN",
    );
    const stats = await h.caller({ cookie: owner.cookie }).tasks.stats();
    expect(stats.kinds.map((k) => k.kind)).toContain("test.note");
  });

  it("answers bad input with the error envelope", async () => {
    const result = await h.http(
      "query",
      "tasks.byId",
      { id: "not-a-uuid" },
      { cookie: owner.cookie },
    );
    expect(result.status).toBe(400);
    expect(result.error).toMatchObject({ code: "VALIDATION" });
    expect(result.error?.requestId).toMatch(/^test-http-/);
    const listed = await h.http("query", "tasks.list", { limit: 1000 }, { cookie: owner.cookie });
    expect(listed.status).toBe(400);
  });

  it("cancels a running task, refuses to delete it meanwhile, then retries and deletes it", async () => {
    const api = h.caller({ cookie: owner.cookie });
    const task = await createNote(owner.user.id, "held", true);
    for (
      let i = 0;
      i < 200 && (await api.tasks.byId({ id: task.id })).status !== "running";
      i += 1
    ) {
      await sleep(20);
    }
    expect((await failureOf(api.tasks.delete({ id: task.id }))).code).toBe("CONFLICT");
    const requested = await api.tasks.cancel({ id: task.id });
    expect(requested.cancelRequested).toBe(true);
    const canceled = await settled(owner.cookie, task.id);
    expect(canceled).toMatchObject({ status: "canceled", canceledBy: owner.user.id });
    const again = await failureOf(api.tasks.cancel({ id: task.id }));
    expect(again.code).toBe("CONFLICT");
    expect(again.error.message).toBe("The task has already been canceled");

    const retried = await api.tasks.retry({ id: task.id });
    expect(retried.status).toBe("queued");
    for (let i = 0; i < 200 && !releases.has(task.id); i += 1) await sleep(20);
    releases.get(task.id)?.();
    expect(await settled(owner.cookie, task.id)).toMatchObject({
      status: "succeeded",
      attempts: 2,
    });
    expect(await api.tasks.delete({ id: task.id })).toEqual({ id: task.id });
    expect((await failureOf(api.tasks.byId({ id: task.id }))).code).toBe("NOT_FOUND");
  });

  it("streams updates to the owner, tracked by event id", async () => {
    const api = h.caller({ cookie: owner.cookie });
    // Leaving the loop ends the subscription (the generator's finally releases it).
    const stream = await api.tasks.onUpdate({ lastEventId: 0 });
    const task = await createNote(owner.user.id, "live");
    const seen: TaskUpdate[] = [];
    for await (const tracked of stream as AsyncIterable<unknown>) {
      // tracked() envelopes: [id, data, symbol] on the server side.
      const [id, update] = tracked as [string, TaskUpdate];
      expect(id).toBe(String(update.id));
      if (update.taskId !== task.id) continue;
      seen.push(update);
      if (update.type === "succeeded") break;
    }
    expect(seen.map((u) => u.type)).toEqual(["created", "started", "progress", "succeeded"]);
    const files = seen.at(-1)?.task?.output?.["files"] as { url: string }[];
    expect(files[0]?.url).toContain(`/api/tasks/${task.id}/files/note.txt`);

    // Following another user's task is refused in core (streamTaskUpdates).
  });

  it("fails a task whose handler refuses, without retrying what would fail again", async () => {
    const { createTask } = await import("@genflow/core/tasks");
    const { task } = await createTask(h.services, {
      userId: owner.user.id,
      input: { kind: "test.refuse", input: {} },
    });
    expect(await settled(owner.cookie, task.id)).toMatchObject({
      status: "failed",
      attempts: 1,
      error: { code: "VALIDATION", message: "nothing to do here" },
    });
  });
});

describe("generate.batch", () => {
  it("renders a zip of cards from CSV rows as a task, at most once per idempotency key", async () => {
    const api = h.caller({ cookie: owner.cookie });
    const input = {
      batch: {
        templateId: "quote",
        csv: 'quote,author\n"Hello, world",Ada\n你好世界,林\n',
        size: { preset: "square" as const },
      },
      idempotencyKey: "batch-1",
    };
    const first = await api.generate.batch(input);
    expect(first.created).toBe(true);
    expect(first.task.kind).toBe("cards.batch");
    const second = await api.generate.batch(input);
    expect(second).toMatchObject({ created: false, task: { id: first.task.id } });

    const done = await settled(owner.cookie, first.task.id);
    expect(done.status).toBe("succeeded");
    expect(done.output).toMatchObject({
      count: 2,
      files: [{ name: "cards.zip", contentType: "application/zip" }],
    });
    const file = (done.output?.["files"] as { url: string; key: string }[])[0];
    expect(file?.url).toContain(`/api/tasks/${first.task.id}/files/cards.zip`);
    const zip = await h.tasks.storage.get(file?.key ?? "");
    expect(
      Buffer.from(zip ?? [])
        .subarray(0, 2)
        .toString("latin1"),
    ).toBe("PK");
  });

  it("refuses input the batch schema rejects before queueing anything", async () => {
    const api = h.caller({ cookie: owner.cookie });
    const before = (await api.tasks.list({ kind: "cards.batch" })).items.length;
    const result = await h.http(
      "mutation",
      "generate.batch",
      { batch: { templateId: "quote", rows: [] } },
      { cookie: owner.cookie },
    );
    expect(result.status).toBe(400);
    expect(result.error?.code).toBe("VALIDATION");
    expect((await api.tasks.list({ kind: "cards.batch" })).items.length).toBe(before);
  });
});
