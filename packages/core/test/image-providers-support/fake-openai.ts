import type { IncomingHttpHeaders } from "node:http";

import { sendJson, startServer, type TestServer } from "./http-server";

/**
 * A strict stand-in for `POST /v1/images/generations`: it checks the method, path, bearer key,
 * content type and the exact JSON shape the way OpenAI does (unknown fields, including
 * `response_format` for GPT image models, are a 400 "Unknown parameter"), and answers `n`
 * base64 images. `override` lets a test answer its own way; `hang` never answers.
 */

export const FAKE_OPENAI_KEY = "sk-test-FAKEKEY1234567890abcdef";

export interface RecordedOpenAiRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface OpenAiReply {
  status: number;
  json?: unknown;
  text?: string;
  headers?: Record<string, string>;
}

export interface FakeOpenAi extends TestServer {
  requests: RecordedOpenAiRequest[];
  /** Images answered in turn, as base64. */
  images: Buffer[];
  /** Also accept `seed` (as some OpenAI-compatible servers do). */
  acceptSeed: boolean;
  hang: boolean;
  override: ((body: Record<string, unknown>) => OpenAiReply | undefined) | undefined;
}

const GPT_IMAGE_SIZES = ["1024x1024", "1536x1024", "1024x1536", "auto"];

const openAiError = (message: string, code: string | null, param: string | null = null) => ({
  error: { message, type: "invalid_request_error", param, code },
});

const text = (value: unknown) => (typeof value === "string" ? value : "");

export async function startFakeOpenAi(): Promise<FakeOpenAi> {
  const state: Omit<FakeOpenAi, keyof TestServer> = {
    requests: [],
    images: [],
    acceptSeed: false,
    hang: false,
    override: undefined,
  };
  const server = await startServer((req, raw, res) => {
    let body: unknown;
    try {
      body = JSON.parse(raw.toString("utf8"));
    } catch {
      body = undefined;
    }
    const path = req.url ?? "";
    state.requests.push({ method: req.method ?? "", path, headers: req.headers, body });
    if (state.hang) return; // never answered; the client has to give up

    if (path !== "/v1/images/generations") {
      return sendJson(res, 404, openAiError(`Invalid URL (${req.method} ${path})`, null));
    }
    if (req.method !== "POST") {
      return sendJson(res, 405, openAiError("Method not allowed", null));
    }
    const auth = req.headers.authorization ?? "";
    if (auth !== `Bearer ${FAKE_OPENAI_KEY}`) {
      // Like OpenAI, echo a masked form of the key that was sent.
      const sent = auth.replace(/^Bearer /, "");
      const masked = `${sent.slice(0, 6)}${"*".repeat(10)}${sent.slice(-4)}`;
      return sendJson(
        res,
        401,
        openAiError(
          `Incorrect API key provided: ${masked}. You can find your API key at https://platform.openai.com/account/api-keys.`,
          "invalid_api_key",
        ),
      );
    }
    if (!req.headers["content-type"]?.startsWith("application/json") || !isRecord(body)) {
      return sendJson(
        res,
        400,
        openAiError("We could not parse the JSON body of your request.", null),
      );
    }
    const custom = state.override?.(body);
    if (custom) {
      if (custom.json !== undefined)
        return sendJson(res, custom.status, custom.json, custom.headers);
      res.writeHead(custom.status, { "Content-Type": "text/plain", ...custom.headers });
      return res.end(custom.text ?? "");
    }

    const model = text(body.model);
    const allowed = new Set(["model", "prompt", "n", "size"]);
    if (!model.startsWith("gpt-image")) allowed.add("response_format");
    if (state.acceptSeed) allowed.add("seed");
    const unknown = Object.keys(body).find((key) => !allowed.has(key));
    if (unknown) {
      return sendJson(
        res,
        400,
        openAiError(`Unknown parameter: '${unknown}'.`, "unknown_parameter", unknown),
      );
    }
    const n = body.n;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > 10) {
      return sendJson(res, 400, openAiError("Invalid 'n'.", "invalid_value", "n"));
    }
    if (typeof body.prompt !== "string" || body.prompt === "") {
      return sendJson(
        res,
        400,
        openAiError("Missing required parameter: 'prompt'.", null, "prompt"),
      );
    }
    const size = text(body.size);
    if (model.startsWith("gpt-image") && !GPT_IMAGE_SIZES.includes(size)) {
      return sendJson(res, 400, openAiError(`Invalid value: '${size}'.`, "invalid_value", "size"));
    }
    if (state.images.length === 0) throw new Error("set fake.images first");
    const data = Array.from({ length: n }, (_, i) => ({
      b64_json: (state.images[i % state.images.length] ?? Buffer.alloc(0)).toString("base64"),
    }));
    return sendJson(res, 200, { created: 1_700_000_000, data });
  });

  return Object.assign(state, server);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
