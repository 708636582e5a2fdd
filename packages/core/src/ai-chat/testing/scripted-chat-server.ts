import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/**
 * A local OpenAI-compatible chat server for tests and benchmarks: real HTTP and server-sent
 * events, `POST /v1/chat/completions` with `stream: true`, answering from a script.
 *
 * By default the script comes from directives in the last message, e.g.
 * `[[tokens=40 delay=5 ttft=200 fail=10 status=429]]`:
 * - `tokens=N` N tokens (`w1 w2 …`); without it, the words of "You said: <message>".
 * - `delay=ms` between tokens; `ttft=ms` before the first one.
 * - `fail=N` drops the connection after N tokens (a provider error mid-stream).
 * - `status=code` answers that HTTP error instead of a stream.
 * - `stamp=1` makes each token the time it was sent (`Date.now()`), for measuring relay latency.
 * A final assistant message is continued with "continued" tokens.
 */
export interface ScriptedReply {
  tokens: string[];
  firstTokenDelayMs: number;
  tokenDelayMs: number;
  /** Drop the connection after this many tokens. */
  failAfter?: number | undefined;
  /** Answer this HTTP status (with an OpenAI-style error body) instead of streaming. */
  status?: number | undefined;
  /** Each token is the time it was sent, in ms since the epoch (with a leading space after the first). */
  stamp?: boolean | undefined;
  /** Report token counts at the end (when the request asks for them). Default true. */
  usage?: boolean | undefined;
}

export interface ChatRequestRecord {
  model: string;
  messages: { role: string; content: string }[];
  maxTokens: number | undefined;
  temperature: number | undefined;
  authorization: string | undefined;
  /** The client went away before the reply ended. */
  aborted: boolean;
}

export interface ScriptedChatServer {
  /** The base URL to configure (ends in `/v1`). */
  url: string;
  requests: ChatRequestRecord[];
  close(): Promise<void>;
}

export interface ScriptedChatServerOptions {
  script?: (request: ChatRequestRecord) => Partial<ScriptedReply>;
  port?: number;
}

const DIRECTIVES = /\[\[([^\]]*)\]\]/;

/** The reply the default script gives to a request. */
export function scriptFromDirectives(request: ChatRequestRecord): ScriptedReply {
  const last = request.messages.at(-1);
  const text = last?.content ?? "";
  const values = new Map<string, number>();
  for (const pair of DIRECTIVES.exec(text)?.[1]?.trim().split(/\s+/) ?? []) {
    const [key, value] = pair.split("=");
    if (key && value !== undefined && /^\d+$/.test(value)) values.set(key, Number(value));
  }
  const count = values.get("tokens");
  let tokens: string[];
  if (last?.role === "assistant") {
    tokens = Array.from({ length: count ?? 5 }, (_, i) => ` continued${i + 1}`);
  } else if (count !== undefined) {
    tokens = Array.from({ length: count }, (_, i) => `${i === 0 ? "" : " "}w${i + 1}`);
  } else {
    const words = `You said: ${text.replace(DIRECTIVES, "").trim()}`.split(/(?=\s)/);
    tokens = words;
  }
  return {
    tokens,
    firstTokenDelayMs: values.get("ttft") ?? 0,
    tokenDelayMs: values.get("delay") ?? 0,
    failAfter: values.get("fail"),
    status: values.get("status"),
    stamp: values.get("stamp") === 1,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startScriptedChatServer(
  options: ScriptedChatServerOptions = {},
): Promise<ScriptedChatServer> {
  const requests: ChatRequestRecord[] = [];
  const sockets = new Set<Socket>();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: "not found" } }));
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
      model: string;
      messages: { role: string; content: string }[];
      max_tokens?: number;
      temperature?: number;
      stream?: boolean;
      stream_options?: { include_usage?: boolean };
    };
    const record: ChatRequestRecord = {
      model: body.model,
      messages: body.messages,
      maxTokens: body.max_tokens,
      temperature: body.temperature,
      authorization: req.headers.authorization,
      aborted: false,
    };
    requests.push(record);
    const reply = { ...scriptFromDirectives(record), ...options.script?.(record) };
    if (reply.status) {
      res.writeHead(reply.status, { "content-type": "application/json", "retry-after": "2" });
      res.end(JSON.stringify({ error: { message: `scripted ${reply.status}`, type: "scripted" } }));
      return;
    }
    let ended = false;
    res.on("close", () => {
      if (!ended) record.aborted = true;
    });
    res.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      connection: "keep-alive",
    });
    const id = `chatcmpl-${requests.length}`;
    const created = Math.floor(Date.now() / 1000);
    const send = (delta: Record<string, unknown>, finish: string | null) =>
      res.write(
        `data: ${JSON.stringify({
          id,
          object: "chat.completion.chunk",
          created,
          model: body.model,
          choices: [{ index: 0, delta, finish_reason: finish }],
        })}\n\n`,
      );
    const limit = body.max_tokens ?? Number.POSITIVE_INFINITY;
    const tokens = reply.tokens.slice(0, limit);
    send({ role: "assistant", content: "" }, null);
    if (reply.firstTokenDelayMs) await sleep(reply.firstTokenDelayMs);
    for (let i = 0; i < tokens.length; i++) {
      if (record.aborted) return;
      if (reply.failAfter !== undefined && i >= reply.failAfter) {
        // Let what was written reach the client, then drop the connection.
        await sleep(20);
        res.destroy();
        return;
      }
      if (i > 0 && reply.tokenDelayMs) await sleep(reply.tokenDelayMs);
      send({ content: reply.stamp ? `${i === 0 ? "" : " "}${Date.now()}` : tokens[i] }, null);
    }
    send({}, tokens.length < reply.tokens.length ? "length" : "stop");
    if (body.stream_options?.include_usage && reply.usage !== false) {
      const promptTokens = body.messages.reduce((n, m) => n + m.content.split(/\s+/).length + 4, 0);
      res.write(
        `data: ${JSON.stringify({
          id,
          object: "chat.completion.chunk",
          created,
          model: body.model,
          choices: [],
          usage: {
            prompt_tokens: promptTokens,
            completion_tokens: tokens.length,
            total_tokens: promptTokens + tokens.length,
          },
        })}\n\n`,
      );
    }
    res.write("data: [DONE]\n\n");
    ended = true;
    res.end();
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
