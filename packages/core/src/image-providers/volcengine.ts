import { z } from "zod";

import { DomainError } from "../errors";
import { systemClock, type Clock } from "../ports/clock";
import { parseInput } from "../validation";
import { ImageProviderError, malformedResponse } from "./errors";
import { decodeImage, imageMime, jsonOf, send, sleep, withDeadline } from "./http";
import type { GeneratedImage, GenerateOptions, ImageProvider, RateGate } from "./ports";
import { progressReporter } from "./progress";
import { ImageRequest } from "./schemas";
import { checkAreaRatio, VOLCENGINE_SIZE_LIMITS, type AreaRatioLimits } from "./sizes";
import { BusinessEnvelope, volcEngineFailure } from "./volcengine-errors";
import { signVolcRequest } from "./volcengine-signing";

/**
 * VolcEngine's visual API (即梦 text-to-image) through its async task interface:
 * `CVSync2AsyncSubmitTask` returns a `task_id`, then `CVSync2AsyncGetResult` is polled until the
 * status is `done` and the images come back as `binary_data_base64` (or, failing that, as
 * `image_urls`, which are downloaded). Every API request is signed (volcengine-signing.ts).
 *
 * One task makes one image, so `count` > 1 submits that many tasks (seeds `seed`, `seed + 1`, …
 * when a seed is given) and polls them together.
 */

export const VOLCENGINE_API_VERSION = "2022-08-31";

export const VOLCENGINE_DEFAULTS = {
  baseUrl: "https://visual.volcengineapi.com",
  /** 即梦 文生图 3.1. */
  reqKey: "jimeng_t2i_v31",
  region: "cn-north-1",
  service: "cv",
  pollIntervalMs: 1000,
  deadlineMs: 180_000,
  requestTimeoutMs: 30_000,
  /** VolcEngine asks for prompts of at most 800 characters. */
  maxPromptLength: 800,
} as const;

export interface VolcEngineImageProviderOptions {
  accessKeyId: string;
  secretAccessKey: string;
  reqKey?: string | undefined;
  baseUrl?: string | undefined;
  region?: string | undefined;
  service?: string | undefined;
  pollIntervalMs?: number | undefined;
  /** The whole generation, submit to last image. */
  deadlineMs?: number | undefined;
  /** Each HTTP request. */
  requestTimeoutMs?: number | undefined;
  sizeLimits?: AreaRatioLimits | undefined;
  clock?: Clock | undefined;
  rateGate?: RateGate | undefined;
}

const SubmitData = z.object({
  task_id: z.union([z.string().min(1), z.number()]).transform(String),
});
const ResultData = z.object({
  status: z.string(),
  binary_data_base64: z.array(z.string()).nullish(),
  image_urls: z.array(z.string()).nullish(),
});

interface Task {
  taskId: string;
  seed: number | undefined;
  stage: "submitted" | "in_queue" | "generating" | "done";
  images: GeneratedImage[];
}

const STAGE_SHARE: Record<Task["stage"], number> = {
  submitted: 0.1,
  in_queue: 0.2,
  generating: 0.6,
  done: 1,
};

export class VolcEngineImageProvider implements ImageProvider {
  readonly id = "volcengine" as const;
  readonly model: string;
  readonly maxPromptLength = VOLCENGINE_DEFAULTS.maxPromptLength;
  private readonly settings: Required<Omit<VolcEngineImageProviderOptions, "rateGate">> & {
    rateGate: RateGate | undefined;
  };

  constructor(options: VolcEngineImageProviderOptions) {
    this.settings = {
      accessKeyId: options.accessKeyId,
      secretAccessKey: options.secretAccessKey,
      reqKey: options.reqKey ?? VOLCENGINE_DEFAULTS.reqKey,
      baseUrl: options.baseUrl ?? VOLCENGINE_DEFAULTS.baseUrl,
      region: options.region ?? VOLCENGINE_DEFAULTS.region,
      service: options.service ?? VOLCENGINE_DEFAULTS.service,
      pollIntervalMs: options.pollIntervalMs ?? VOLCENGINE_DEFAULTS.pollIntervalMs,
      deadlineMs: options.deadlineMs ?? VOLCENGINE_DEFAULTS.deadlineMs,
      requestTimeoutMs: options.requestTimeoutMs ?? VOLCENGINE_DEFAULTS.requestTimeoutMs,
      sizeLimits: options.sizeLimits ?? VOLCENGINE_SIZE_LIMITS,
      clock: options.clock ?? systemClock,
      rateGate: options.rateGate,
    };
    this.model = this.settings.reqKey;
  }

  async generate(request: ImageRequest, options: GenerateOptions): Promise<GeneratedImage[]> {
    const input = parseInput(ImageRequest, request, "Invalid image request");
    checkAreaRatio(input.width, input.height, this.settings.sizeLimits);
    if (input.prompt.length > VOLCENGINE_DEFAULTS.maxPromptLength) {
      throw new DomainError("VALIDATION", "Prompt is too long for VolcEngine", {
        details: {
          fieldErrors: { prompt: [`At most ${VOLCENGINE_DEFAULTS.maxPromptLength} characters`] },
        },
      });
    }
    const report = progressReporter(options.onProgress);

    return withDeadline("volcengine", options.signal, this.settings.deadlineMs, async (signal) => {
      const tasks: Task[] = [];
      for (let i = 0; i < input.count; i++) {
        const seed = input.seed === undefined ? undefined : (input.seed + i) % 2_147_483_648;
        const taskId = await this.submit(input, seed, signal);
        tasks.push({ taskId, seed, stage: "submitted", images: [] });
        report((5 * (i + 1)) / input.count, `Submitted ${i + 1} of ${input.count} to VolcEngine`);
      }
      while (tasks.some((task) => task.stage !== "done")) {
        await sleep(this.settings.pollIntervalMs, signal);
        for (const task of tasks) {
          if (task.stage === "done") continue;
          await this.poll(task, signal);
          const share = tasks.reduce((sum, t) => sum + STAGE_SHARE[t.stage], 0) / tasks.length;
          report(5 + 90 * share, stageMessage(tasks));
        }
      }
      const images = tasks.flatMap((task) => task.images).slice(0, input.count);
      report(100, `${images.length} image${images.length === 1 ? "" : "s"} ready`);
      return images;
    });
  }

  private async submit(input: ImageRequest, seed: number | undefined, signal: AbortSignal) {
    const data = await this.call(
      "CVSync2AsyncSubmitTask",
      {
        req_key: this.settings.reqKey,
        prompt: input.prompt,
        width: input.width,
        height: input.height,
        seed: seed ?? -1,
      },
      signal,
    );
    const parsed = SubmitData.safeParse(data);
    if (!parsed.success)
      throw malformedResponse("volcengine", "answered a submit without a task id");
    return parsed.data.task_id;
  }

  private async poll(task: Task, signal: AbortSignal): Promise<void> {
    const data = await this.call(
      "CVSync2AsyncGetResult",
      {
        req_key: this.settings.reqKey,
        task_id: task.taskId,
        req_json: JSON.stringify({ return_url: false }),
      },
      signal,
    );
    const parsed = ResultData.safeParse(data);
    if (!parsed.success)
      throw malformedResponse("volcengine", "answered a result without a status");
    const { status, binary_data_base64: base64 = [], image_urls: urls = [] } = parsed.data;
    if (status === "in_queue" || status === "generating") {
      task.stage = status;
      return;
    }
    if (status !== "done") {
      // not_found / expired: the task is gone (tasks live 12 hours); submitting again may work.
      throw new ImageProviderError("UNAVAILABLE", `VolcEngine lost the task (${status})`, {
        provider: "volcengine",
        retryable: true,
        providerCode: status,
      });
    }
    const images =
      base64 && base64.length > 0
        ? base64.map((b64) => decodeImage("volcengine", b64))
        : await this.download(urls ?? [], signal);
    if (images.length === 0) {
      throw malformedResponse("volcengine", "finished the task without any image");
    }
    task.images = images.map((image) => ({ ...image, seed: task.seed }));
    task.stage = "done";
  }

  private async download(urls: string[], signal: AbortSignal) {
    const images = [];
    for (const url of urls) {
      const reply = await send(url, { method: "GET" }, this.sendOptions(signal, false));
      if (reply.status !== 200) {
        throw malformedResponse("volcengine", `image download failed (HTTP ${reply.status})`, {
          httpStatus: reply.status,
        });
      }
      images.push({ bytes: reply.body, mime: imageMime("volcengine", reply.body) });
    }
    return images;
  }

  /** One signed API call; resolves `data` of a successful envelope. */
  private async call(action: string, body: Record<string, unknown>, signal: AbortSignal) {
    const url = new URL(this.settings.baseUrl);
    url.searchParams.set("Action", action);
    url.searchParams.set("Version", VOLCENGINE_API_VERSION);
    const text = JSON.stringify(body);
    const signed = signVolcRequest({
      method: "POST",
      url,
      headers: { "Content-Type": "application/json" },
      body: text,
      credentials: {
        accessKeyId: this.settings.accessKeyId,
        secretAccessKey: this.settings.secretAccessKey,
      },
      region: this.settings.region,
      service: this.settings.service,
      now: this.settings.clock.now(),
    });
    const reply = await send(
      url.toString(),
      { method: "POST", headers: signed.headers, body: text },
      this.sendOptions(signal, true),
    );
    const json = jsonOf(reply);
    const secrets = [this.settings.accessKeyId, this.settings.secretAccessKey];
    const failure = volcEngineFailure(reply, json, secrets, this.settings.clock.now());
    if (failure) throw failure;
    return BusinessEnvelope.parse(json).data;
  }

  private sendOptions(signal: AbortSignal, gated: boolean) {
    return {
      provider: "volcengine" as const,
      signal,
      timeoutMs: this.settings.requestTimeoutMs,
      rateGate: gated ? this.settings.rateGate : undefined,
    };
  }
}

function stageMessage(tasks: Task[]): string {
  const done = tasks.filter((t) => t.stage === "done").length;
  if (done > 0) return `${done} of ${tasks.length} images ready`;
  if (tasks.some((t) => t.stage === "generating")) return "Generating at VolcEngine";
  return "Queued at VolcEngine";
}
