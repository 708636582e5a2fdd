import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

import { createGenflowClient } from "@genflow/client";
import { freePort } from "@genflow/core/testing";
import { startScriptedChatServer, type ScriptedChatServer } from "@genflow/core/ai-chat/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { mutate, signUp, startServer, tempDir, type RunningServer } from "./support";

/**
 * deploy/nginx.conf in front of the server, as shipped (nginx's default `proxy_buffering on`): an
 * AI reply reaches the subscriber through the proxy piece by piece as it is written, not in one
 * lump at the end. Needs an nginx binary (Debian: `apt-get install nginx-light`); skipped with a
 * note without one.
 */

const NGINX = ["/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx"].find((p) =>
  existsSync(p),
);
if (!NGINX) console.warn("skipping the reverse-proxy test: no nginx binary found");

const CONFIG = fileURLToPath(new URL("../../../deploy/nginx.conf", import.meta.url));

describe.skipIf(!NGINX)("behind nginx (deploy/nginx.conf, default proxy_buffering)", () => {
  let chat: ScriptedChatServer;
  let server: RunningServer;
  let nginx: ChildProcess;
  let proxyUrl: string;
  let dir: Awaited<ReturnType<typeof tempDir>>;

  beforeAll(async () => {
    chat = await startScriptedChatServer();
    server = await startServer({
      LOG_LEVEL: "warn",
      AI_PROVIDERS: JSON.stringify([{ id: "scripted", baseUrl: chat.url, models: [{ id: "m1" }] }]),
    });
    dir = await tempDir("nginx");
    const port = await freePort();
    // The shipped configuration, pointed at this server and run from a scratch folder.
    const shipped = await readFile(CONFIG, "utf8");
    expect(shipped).not.toMatch(/proxy_buffering\s+off/);
    const config = shipped
      .replace("server server:3000;", `server 127.0.0.1:${server.port};`)
      .replace("listen 8080;", `listen 127.0.0.1:${port};`)
      .replace(
        "http {",
        `http {\n  access_log off;\n  client_body_temp_path ${dir.dir}/body;\n  proxy_temp_path ${dir.dir}/proxy;\n  fastcgi_temp_path ${dir.dir}/fastcgi;\n  uwsgi_temp_path ${dir.dir}/uwsgi;\n  scgi_temp_path ${dir.dir}/scgi;`,
      );
    await mkdir(`${dir.dir}/logs`, { recursive: true });
    await writeFile(
      `${dir.dir}/nginx.conf`,
      `daemon off;\npid ${dir.dir}/nginx.pid;\nerror_log ${dir.dir}/logs/error.log;\n${config}`,
    );
    nginx = spawn(NGINX ?? "nginx", ["-p", dir.dir, "-c", `${dir.dir}/nginx.conf`], {
      stdio: "ignore",
    });
    proxyUrl = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 10_000;
    for (;;) {
      const ok = await fetch(`${proxyUrl}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline) throw new Error("nginx did not start");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });

  afterAll(async () => {
    nginx?.kill("SIGTERM");
    await server?.stop();
    await chat?.close();
    await dir?.remove();
  });

  it("passes an AI reply through as it is written", async () => {
    const { cookie } = await signUp(server.url);
    const sent = await mutate(
      proxyUrl,
      "aiChat.send",
      { content: "[[tokens=20 delay=100]]" },
      { cookie },
    );
    expect(sent.status).toBe(200);
    const body = (await sent.json()) as { result: { data: { json: { reply: { id: string } } } } };
    const input = encodeURIComponent(
      JSON.stringify({ json: { messageId: body.result.data.json.reply.id } }),
    );
    const started = Date.now();
    const response = await fetch(`${proxyUrl}/trpc/aiChat.onReply?input=${input}`, {
      headers: { cookie, origin: "http://localhost:3000" },
    });
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    if (!response.body) throw new Error("no body");
    const reader = response.body.getReader() as ReadableStreamDefaultReader<Uint8Array>;
    const decoder = new TextDecoder();
    const arrivals: number[] = [];
    let raw = "";
    while (!raw.includes(".done")) {
      const { value, done } = await reader.read();
      if (done) break;
      const chunk = decoder.decode(value, { stream: true });
      if (chunk.includes('"type":"text"')) arrivals.push(Date.now() - started);
      raw += chunk;
    }
    await reader.cancel();
    // 20 tokens 100 ms apart: buffered, they would all arrive together after ~2 s.
    expect(arrivals.length).toBeGreaterThanOrEqual(10);
    expect(arrivals[0]).toBeLessThan(1_000);
    expect((arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0)).toBeGreaterThan(1_000);
    expect(raw).toContain("w20");
  });

  it("passes the SDK's WebSocket through, with a reply streaming as it is written", async () => {
    const { cookie } = await signUp(server.url);
    const created = await mutate(server.url, "auth.apiKeys.create", { name: "sdk" }, { cookie });
    const { key } = ((await created.json()) as { result: { data: { json: { key: string } } } })
      .result.data.json;
    const sdk = createGenflowClient({ url: proxyUrl, apiKey: key, transport: "websocket" });
    const sent = await sdk.aiChat.send.mutate({ content: "[[tokens=20 delay=100]]" });
    const started = Date.now();
    const arrivals: number[] = [];
    let text = "";
    const status = await new Promise<string>((resolve, reject) => {
      const subscription = sdk.aiChat.onReply.subscribe(
        { messageId: sent.reply.id },
        {
          onData: ({ data }) => {
            if (data.type === "text") {
              arrivals.push(Date.now() - started);
              text += data.text;
            } else {
              subscription.unsubscribe();
              resolve(data.message.status);
            }
          },
          onError: reject,
        },
      );
    });
    expect(status).toBe("completed");
    expect(text).toContain("w20");
    expect(arrivals.length).toBeGreaterThanOrEqual(10);
    expect((arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0)).toBeGreaterThan(1_000);
  });
});
