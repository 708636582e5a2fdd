import { BroadcastChannel } from "node:worker_threads";
import { deflateSync, inflateSync } from "node:zlib";

import type { ComposeRequest } from "../../src/generate/card";
import { createRenderHandler } from "../../src/generate/render/task";
import { composeSampleCard } from "./sample-card";

/**
 * A render worker that spends its time in zlib, as the real one does while it loads fonts (WOFF
 * tables are inflated) and writes PNGs. Ending a thread from outside in the middle of such a call
 * aborts the whole process, so a pool that ever does it shows up here as a crashed test file.
 * The warm-up churns for `WARM_MS`; a render for its `churnMs` field before it composes. Each
 * churn says on the `CHURN_CHANNEL` broadcast channel when it begins and when it ends, so a test
 * can strike in the middle and see whether the churn was let finish.
 */
export const CHURN_CHANNEL = "churn-worker";

export interface ChurnMessage {
  what: "warm" | "render";
  event: "begin" | "end";
}
const WARM_MS = 150;
let compressed: Buffer | undefined;
let channel: BroadcastChannel | undefined;

function churn(what: ChurnMessage["what"], ms: number): void {
  compressed ??= deflateSync(Buffer.alloc(100, 7));
  if (!channel) {
    channel = new BroadcastChannel(CHURN_CHANNEL);
    channel.unref();
  }
  channel.postMessage({ what, event: "begin" } satisfies ChurnMessage);
  const until = performance.now() + ms;
  while (performance.now() < until) inflateSync(compressed);
  channel.postMessage({ what, event: "end" } satisfies ChurnMessage);
}

function compose(request: ComposeRequest) {
  const ms = request.fields.churnMs;
  if (typeof ms === "number") churn("render", ms);
  return composeSampleCard(request);
}

export default createRenderHandler({ compose, warm: () => churn("warm", WARM_MS) });
