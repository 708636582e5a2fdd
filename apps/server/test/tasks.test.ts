import { randomUUID } from "node:crypto";

import { unzipSync } from "fflate";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { mutate, query, restError, signUp, startServer, type RunningServer } from "./support";

/**
 * Tasks over real HTTP: a card batch created through tRPC runs in the server's own runner, and
 * its zip is served to its owner at GET /api/tasks/<id>/files/<name>, to nobody else.
 */

let s: RunningServer;
let owner: { cookie: string };
let other: { cookie: string };

beforeAll(async () => {
  s = await startServer({
    LOG_LEVEL: "warn",
    REDIS_URL: process.env.REDIS_URL,
    REDIS_KEY_PREFIX: `genflow-test-${randomUUID()}:`,
    RENDER_THREADS: "1",
  });
  owner = await signUp(s.url);
  other = await signUp(s.url);
});

afterAll(async () => {
  await s.stop();
});

interface TaskBody {
  id: string;
  status: string;
  output: { files: { name: string; url: string }[] } | null;
}

async function byId(cookie: string, id: string): Promise<TaskBody> {
  const input = encodeURIComponent(JSON.stringify(superjson.serialize({ id })));
  const response = await query(s.url, `tasks.byId?input=${input}`, { cookie });
  const body = (await response.json()) as { result: { data: unknown } };
  return superjson.deserialize<TaskBody>(body.result.data as never);
}

describe("task files", () => {
  it("runs a card batch and serves its zip to the owner only", async () => {
    const created = await mutate(
      s.url,
      "generate.batch",
      {
        batch: {
          templateId: "article-cover",
          rows: [{ title: "One" }, { title: "Two" }, { title: "三" }],
          size: { width: 600, height: 315 },
          fileName: "{index}-{title}",
        },
      },
      { cookie: owner.cookie },
    );
    expect(created.status).toBe(200);
    const { task } = superjson.deserialize<{ task: TaskBody }>(
      ((await created.json()) as { result: { data: never } }).result.data,
    );

    let done = task;
    for (let i = 0; i < 300 && ["queued", "running"].includes(done.status); i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      done = await byId(owner.cookie, task.id);
    }
    expect(done.status).toBe("succeeded");
    const file = done.output?.files[0];
    expect(file?.name).toBe("cards.zip");
    const url = new URL(file?.url ?? "");
    expect(url.pathname).toBe(`/api/tasks/${task.id}/files/cards.zip`);

    const response = await fetch(`${s.url}${url.pathname}`, { headers: { cookie: owner.cookie } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/zip");
    expect(response.headers.get("content-disposition")).toContain(
      'attachment; filename="cards.zip"',
    );
    expect(response.headers.get("cache-control")).toBe("private, no-cache");
    const entries = unzipSync(new Uint8Array(await response.arrayBuffer()));
    const names = Object.keys(entries).sort();
    expect(names).toContain("manifest.json");
    expect(names.filter((name) => name.endsWith(".png"))).toHaveLength(3);

    const stranger = await fetch(`${s.url}${url.pathname}`, { headers: { cookie: other.cookie } });
    expect(stranger.status).toBe(404);
    expect(await restError(stranger)).toMatchObject({ code: "NOT_FOUND" });
    const anonymous = await fetch(`${s.url}${url.pathname}`);
    expect(anonymous.status).toBe(401);
    const missing = await fetch(`${s.url}/api/tasks/${task.id}/files/nope.zip`, {
      headers: { cookie: owner.cookie },
    });
    expect(missing.status).toBe(404);
    const malformed = await fetch(`${s.url}/api/tasks/not-a-task/files/cards.zip`, {
      headers: { cookie: owner.cookie },
    });
    expect(malformed.status).toBe(400);
    expect(await restError(malformed)).toMatchObject({ code: "VALIDATION" });
  });
});
