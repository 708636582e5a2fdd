import type { ServerResponse } from "node:http";

import { sendJson, startServer, type TestServer } from "./http-server";
import { verifyVolcSignature } from "./volc-verify";

/**
 * A stand-in for visual.volcengineapi.com's async task interface. Every request must carry a
 * valid signature (checked by volc-verify.ts, answered with the gateway's error shape when not);
 * then `CVSync2AsyncSubmitTask` creates a task and `CVSync2AsyncGetResult` walks it through
 * `statuses` (one per poll, the last repeating) until `done`, answering `images` as base64.
 * `override` lets a test answer any call its own way.
 */

export const FAKE_AK = "AKLTfakeaccesskeyid0000000000000000000000000000";
export const FAKE_SK = "ZmFrZXNlY3JldGFjY2Vzc2tleWZvcnRlc3RzMDAwMDA=";

export interface FakeReply {
  status: number;
  json?: unknown;
  text?: string;
  headers?: Record<string, string>;
}

export interface VolcCall {
  action: string;
  body: Record<string, unknown>;
  /** For GetResult: how many times this task was polled before, this one excluded. */
  polls: number;
}

export interface RecordedVolcRequest {
  action: string;
  body: unknown;
  /** "ok", or the gateway error code the request was refused with. */
  verdict: string;
  at: number;
}

export interface FakeVolcEngine extends TestServer {
  requests: RecordedVolcRequest[];
  /** Status per poll of each task; the last one repeats. */
  statuses: string[];
  /** What a `done` task answers as base64 images. */
  images: Buffer[];
  /** Answer `image_urls` pointing at this server instead of base64. */
  answerUrls: boolean;
  override: ((call: VolcCall) => FakeReply | undefined) | undefined;
  /** The server's clock, for the timestamp check. */
  now: () => Date;
  /** Forgets tasks and requests and restores the defaults above (images excepted). */
  reset(): void;
}

const envelope = (data: unknown) => ({
  code: 10000,
  data,
  message: "Success",
  request_id: "20250101000000FAKEREQUEST",
  status: 10000,
  time_elapsed: "1ms",
});

export async function startFakeVolcEngine(): Promise<FakeVolcEngine> {
  /** task id → polls so far; the task's image is `images[index % images.length]`. */
  const tasks = new Map<string, number>();
  const taskIndex = new Map<string, number>();

  const state: Omit<FakeVolcEngine, keyof TestServer> = {
    requests: [],
    statuses: [],
    images: [],
    answerUrls: false,
    override: undefined,
    now: () => new Date(),
    reset() {
      tasks.clear();
      taskIndex.clear();
      state.requests.length = 0;
      state.statuses = ["in_queue", "generating", "done"];
      state.answerUrls = false;
      state.override = undefined;
      state.now = () => new Date();
    },
  };

  const reply = (res: ServerResponse, answer: FakeReply) => {
    if (answer.json !== undefined) {
      sendJson(res, answer.status, answer.json, answer.headers);
    } else {
      res.writeHead(answer.status, { "Content-Type": "text/plain", ...answer.headers });
      res.end(answer.text ?? "");
    }
  };

  const server = await startServer((req, body, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    if (url.pathname.startsWith("/files/")) {
      const index = Number(url.pathname.slice("/files/".length));
      const image = state.images[index];
      if (!image) return reply(res, { status: 404, text: "no such file" });
      res.writeHead(200, { "Content-Type": "image/jpeg" });
      return res.end(image);
    }
    const action = url.searchParams.get("Action") ?? "";
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch {
      parsed = undefined;
    }
    const verdict = verifyVolcSignature(req, body, {
      keys: { [FAKE_AK]: FAKE_SK },
      region: "cn-north-1",
      service: "cv",
      now: state.now(),
    });
    state.requests.push({
      action,
      body: parsed,
      verdict: verdict.ok ? "ok" : verdict.code,
      at: Date.now(),
    });
    if (!verdict.ok) {
      return sendJson(res, verdict.status, {
        ResponseMetadata: {
          RequestId: "20250101000000FAKEGATEWAY",
          Action: action,
          Version: url.searchParams.get("Version"),
          Service: "cv",
          Region: "cn-north-1",
          Error: { CodeN: verdict.codeN, Code: verdict.code, Message: verdict.message },
        },
      });
    }
    if (req.method !== "POST" || url.searchParams.get("Version") !== "2022-08-31") {
      return reply(res, {
        status: 404,
        json: { ResponseMetadata: { Error: { Code: "InvalidActionOrVersion", CodeN: 100008 } } },
      });
    }
    const callBody = (parsed ?? {}) as Record<string, unknown>;
    const taskId = typeof callBody.task_id === "string" ? callBody.task_id : "";
    const custom = state.override?.({ action, body: callBody, polls: tasks.get(taskId) ?? 0 });
    if (custom) {
      if (action === "CVSync2AsyncGetResult" && tasks.has(taskId)) {
        tasks.set(taskId, (tasks.get(taskId) ?? 0) + 1);
      }
      return reply(res, custom);
    }

    if (action === "CVSync2AsyncSubmitTask") {
      const index = taskIndex.size;
      const id = `73926163365196${String(index).padStart(5, "0")}`;
      tasks.set(id, 0);
      taskIndex.set(id, index);
      return sendJson(res, 200, envelope({ task_id: id }));
    }
    if (action === "CVSync2AsyncGetResult") {
      const polls = tasks.get(taskId);
      if (polls === undefined) return sendJson(res, 200, envelope({ status: "not_found" }));
      tasks.set(taskId, polls + 1);
      const status = state.statuses[Math.min(polls, state.statuses.length - 1)] ?? "done";
      if (status !== "done") {
        return sendJson(res, 200, envelope({ status, binary_data_base64: null, image_urls: null }));
      }
      const index = (taskIndex.get(taskId) ?? 0) % Math.max(1, state.images.length);
      const image = state.images[index];
      if (!image) throw new Error("set fake.images first");
      return sendJson(
        res,
        200,
        envelope(
          state.answerUrls
            ? { status, binary_data_base64: null, image_urls: [`${server.url}/files/${index}`] }
            : { status, binary_data_base64: [image.toString("base64")], image_urls: null },
        ),
      );
    }
    return reply(res, {
      status: 404,
      json: { ResponseMetadata: { Error: { Code: "InvalidActionOrVersion", CodeN: 100008 } } },
    });
  });

  const created = Object.assign(state, server);
  created.reset();
  return created;
}
