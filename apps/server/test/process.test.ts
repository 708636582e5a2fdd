import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

import { createTestDatabase, type TestDatabase } from "@genflow/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { mutate, tempDir } from "./support";

const serverRoot = fileURLToPath(new URL("..", import.meta.url));

let db: TestDatabase | undefined;
let data: Awaited<ReturnType<typeof tempDir>>;

beforeAll(async () => {
  data = await tempDir("process");
  // With Postgres, a throwaway database; otherwise the process opens its own PGlite in DATA_DIR.
  if (process.env.DATABASE_URL) db = await createTestDatabase(process.env.DATABASE_URL);
});

afterAll(async () => {
  await db?.destroy();
  await data.remove();
});

describe("the server process", () => {
  it("migrates, serves, and exits 0 after draining on SIGTERM", { timeout: 180_000 }, async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: serverRoot,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: "development",
        HOST: "127.0.0.1",
        PORT: "0",
        DATA_DIR: data.dir,
        DATABASE_URL: db?.url,
        LOG_LEVEL: "info",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));

    const messages: string[] = [];
    let publicUrl: string | undefined;
    const port = await new Promise<number>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout });
      lines.on("line", (line) => {
        const entry = JSON.parse(line) as { msg: string; port?: number; publicUrl?: string };
        messages.push(entry.msg);
        if (entry.port !== undefined) {
          publicUrl = entry.publicUrl;
          resolve(entry.port);
        }
      });
      void exited.then((code) => reject(new Error(`exited early (${code}): ${stderr}`)));
    });

    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(200);
    // PORT=0: the server's own URL names the port it took, so its own pages may sign in.
    expect(port).toBeGreaterThan(0);
    expect(publicUrl).toBe(`http://localhost:${port}`);
    const signUp = await mutate(
      `http://127.0.0.1:${port}`,
      "auth.signUp",
      { email: "port@example.com", password: "correct horse battery", name: "Port" },
      { origin: `http://localhost:${port}` },
    );
    expect(signUp.status).toBe(200);

    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(messages).toContain("shutdown complete");
    expect(stderr).toBe("");
  });
});
