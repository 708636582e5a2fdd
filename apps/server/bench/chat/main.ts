// `pnpm bench:chat`: AI replies relayed by GenFlow against the same replies read straight from the
// provider, side by side in one run. The provider is the local OpenAI-compatible streaming server
// (its own process); GenFlow is the real host (its own process, embedded PGlite unless told
// otherwise); the subscribers are the SDK in this process. See docs/benchmarks.md for the method.
//
//   --replies <n>        replies per side for time to first token (default 60)
//   --ttft <ms>          the provider's own time to first token (default 100)
//   --tokens <n>         tokens of the throughput reply (default 20000)
//   --streams <n>        concurrent streaming replies (default 200)
//   --stream-tokens <n>  tokens per concurrent reply (default 200), one every --delay ms (default 20)
//   --ramp <ms>          the concurrent replies start evenly over this time (default 2000), as
//                        people's messages do; with the defaults all of them stream at once
//                        from 2 s to 4 s
//   --no-doc             do not update docs/benchmarks.md
//   --cpu-prof <dir>     write a V8 CPU profile of the host's whole run into <dir>
//
// BENCH_CHAT_DATABASE_URL / BENCH_CHAT_REDIS_URL run the host on Postgres / Redis instead.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

import { createGenflowClient, type GenflowClient } from "@genflow/client";

import { replaceDocSection } from "../doc-section";
import { direct, type DirectRead } from "./direct";
import { currentLoad, describeMachine, DOC_PATH } from "../report";

const { values } = parseArgs({
  options: {
    replies: { type: "string", default: "60" },
    ttft: { type: "string", default: "100" },
    tokens: { type: "string", default: "20000" },
    streams: { type: "string", default: "200" },
    "stream-tokens": { type: "string", default: "200" },
    ramp: { type: "string", default: "2000" },
    delay: { type: "string", default: "20" },
    "no-doc": { type: "boolean", default: false },
    "cpu-prof": { type: "string" },
  },
});
const REPLIES = Number(values.replies);
const TTFT = Number(values.ttft);
const TOKENS = Number(values.tokens);
const STREAMS = Number(values.streams);
const STREAM_TOKENS = Number(values["stream-tokens"]);
const DELAY = Number(values.delay);
const RAMP = Number(values.ramp);
/** Throughput replies per side: discarded first, then measured. */
const THROUGHPUT_WARMUP = 3;
const THROUGHPUT_RUNS = 9;
const DEFAULTS =
  REPLIES === 60 &&
  TTFT === 100 &&
  TOKENS === 20_000 &&
  STREAMS === 200 &&
  STREAM_TOKENS === 200 &&
  DELAY === 20 &&
  RAMP === 2000;

/** Starts a bench script in its own Node process and returns its ready line. */
async function child<T>(
  script: string,
  args: string[] = [],
  nodeArgs: string[] = [],
): Promise<{ ready: T; process: ChildProcess }> {
  const file = fileURLToPath(new URL(script, import.meta.url));
  const proc = spawn(
    process.execPath,
    [...nodeArgs, "--import", import.meta.resolve("tsx"), file, ...args],
    {
      stdio: ["ignore", "pipe", "inherit", "ipc"],
    },
  );
  if (!proc.stdout) throw new Error("no stdout");
  const lines = createInterface({ input: proc.stdout });
  const line = await new Promise<string>((resolve, reject) => {
    lines.once("line", resolve);
    proc.once("exit", (code) =>
      reject(new Error(`${script} exited (${code}) before it was ready`)),
    );
  });
  lines.close();
  proc.stdout.resume();
  return { ready: JSON.parse(line) as T, process: proc };
}

/** CPU seconds a process has used (Linux /proc; 0 elsewhere). */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

const stop = (proc: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (proc.exitCode !== null) return resolve();
    proc.once("exit", () => resolve());
    proc.kill("SIGTERM");
    setTimeout(() => proc.kill("SIGKILL"), 20_000).unref();
  });

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}
const summary = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    n: sorted.length,
  };
};
const median = (samples: number[]) => summary(samples).p50;

/** One reply through GenFlow: `aiChat.send`, then `aiChat.onReply` until `done`. */
async function relayed(
  sdk: GenflowClient,
  content: string,
  onText?: (text: string, at: number) => void,
  conversationId?: string,
) {
  const started = performance.now();
  const sent = await sdk.aiChat.send.mutate({ content, conversationId });
  const sentAt = performance.now();
  let first = Number.NaN;
  let last = Number.NaN;
  let text = "";
  const final = await new Promise<{ status: string; content: string }>((resolve, reject) => {
    const subscription = sdk.aiChat.onReply.subscribe(
      { messageId: sent.reply.id },
      {
        onData: ({ data }) => {
          if (data.type === "text") {
            const now = performance.now();
            if (Number.isNaN(first)) first = now;
            last = now;
            text += data.text;
            onText?.(data.text, Date.now());
          } else {
            subscription.unsubscribe();
            resolve(data.message);
          }
        },
        onError: (error) => {
          subscription.unsubscribe();
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      },
    );
  });
  return {
    ttftMs: first - started,
    streamMs: last - first,
    text,
    status: final.status,
    stored: final.content,
    conversationId: sent.conversation.id,
    sendMs: sentAt - started,
  };
}

const words = (n: number) =>
  Array.from({ length: n }, (_, i) => `${i === 0 ? "" : " "}w${i + 1}`).join("");

/** The concurrent replies, each on its own conversation, through one SDK client. */
async function concurrent(
  transport: string,
  sdk: GenflowClient,
  conversations: string[],
  processes: { host: ChildProcess; provider: ChildProcess },
) {
  console.log(
    `▸ ${STREAMS} concurrent replies over ${transport}, ${STREAM_TOKENS} tokens each, one every ${DELAY} ms, started over ${RAMP} ms`,
  );
  const host = { process: processes.host };
  const provider = { process: processes.provider };
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const latencies: number[] = [];
  const sendTimes: number[] = [];
  const firstTimes: number[] = [];
  let errors = 0;
  let incomplete = 0;
  let streaming = 0;
  let peak = 0;
  const concurrentStarted = performance.now();
  host.process.kill("SIGUSR2");
  const cpuBefore = {
    host: cpuSeconds(host.process.pid),
    provider: cpuSeconds(provider.process.pid),
    client: process.cpuUsage(),
  };
  await Promise.all(
    Array.from({ length: STREAMS }, async (_, index) => {
      await new Promise((resolve) => setTimeout(resolve, (RAMP * index) / STREAMS));
      let counted = false;
      try {
        let buffer = "";
        const result = await relayed(
          sdk,
          `[[tokens=${STREAM_TOKENS} delay=${DELAY} stamp=1]]`,
          (text, at) => {
            if (!counted) {
              counted = true;
              streaming += 1;
              peak = Math.max(peak, streaming);
            }
            buffer += text;
            // Every complete stamp so far: a time in ms since the epoch has 13 digits.
            const parts = buffer.split(" ");
            buffer = parts.at(-1)?.length === 13 ? "" : (parts.pop() ?? "");
            for (const part of parts) if (part) latencies.push(at - Number(part));
          },
          conversations[index],
        );
        sendTimes.push(result.sendMs);
        firstTimes.push(result.ttftMs);
        if (result.status !== "completed" || result.text.split(" ").length !== STREAM_TOKENS)
          incomplete += 1;
      } catch (error) {
        if (errors === 0) console.error(`  first error: ${String(error)}`);
        errors += 1;
      } finally {
        if (counted) streaming -= 1;
      }
    }),
  );
  const concurrentSeconds = (performance.now() - concurrentStarted) / 1000;
  host.process.kill("SIGUSR2");
  await new Promise((resolve) => setTimeout(resolve, 200));
  console.log(
    `  send p50/p99 ${summary(sendTimes).p50.toFixed(0)}/${summary(sendTimes).p99.toFixed(0)} ms; first text p50/p99 ${summary(firstTimes).p50.toFixed(0)}/${summary(firstTimes).p99.toFixed(0)} ms`,
  );
  const clientCpu = process.cpuUsage(cpuBefore.client);
  const cpuShare = {
    host: (cpuSeconds(host.process.pid) - cpuBefore.host) / concurrentSeconds,
    provider: (cpuSeconds(provider.process.pid) - cpuBefore.provider) / concurrentSeconds,
    client: (clientCpu.user + clientCpu.system) / 1e6 / concurrentSeconds,
  };
  console.log(
    `  CPU (share of one core): host ${(cpuShare.host * 100).toFixed(0)}%, provider ${(cpuShare.provider * 100).toFixed(0)}%, subscribers ${(cpuShare.client * 100).toFixed(0)}%`,
  );
  const chunk = summary(latencies);
  console.log(
    `  chunk latency p50 ${chunk.p50} ms, p99 ${chunk.p99} ms over ${chunk.n} tokens; errors ${errors}, incomplete ${incomplete}; at most ${peak} streaming at once; ${concurrentSeconds.toFixed(1)} s`,
  );

  return { chunk, errors, incomplete, peak, sendTimes, firstTimes, cpuShare };
}

async function main() {
  const machine = describeMachine();
  const loadBefore = currentLoad();
  console.log(
    `bench:chat on ${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}; load ${loadBefore.toFixed(2)}`,
  );
  const provider = await child<{ url: string }>("./provider.ts");
  const profile = values["cpu-prof"];
  const host = await child<{ url: string; key: string }>(
    "./host.ts",
    [provider.ready.url],
    [...(profile ? ["--cpu-prof", `--cpu-prof-dir=${profile}`] : [])],
  );
  const reader = await child<{ ready: true }>("./reader.ts");
  /** One throughput reply read by the reader process. */
  const readDirect = (content: string) =>
    new Promise<DirectRead>((resolve, reject) => {
      reader.process.once("message", (answer: { read?: DirectRead; error?: string }) => {
        if (answer.read) resolve(answer.read);
        else reject(new Error(answer.error ?? "the reader failed"));
      });
      reader.process.send({ providerUrl: provider.ready.url, content });
    });
  const sdk = createGenflowClient({ url: host.ready.url, apiKey: host.ready.key });
  const failures: string[] = [];
  try {
    // Warm both paths up (JIT, connections, the tokenizer's first load in the host).
    for (let i = 0; i < 5; i++) {
      await direct(provider.ready.url, "[[tokens=20]]");
      await relayed(sdk, "[[tokens=20]]");
    }

    // 1. Time to first token, alternating sides.
    console.log(`▸ time to first token: ${REPLIES} replies per side, provider TTFT ${TTFT} ms`);
    const ttft = { direct: [] as number[], genflow: [] as number[] };
    for (let i = 0; i < REPLIES; i++) {
      const message = `[[tokens=20 ttft=${TTFT}]]`;
      ttft.direct.push((await direct(provider.ready.url, message)).ttftMs);
      const through = await relayed(sdk, message);
      if (through.text !== words(20) || through.status !== "completed")
        failures.push("ttft reply incomplete");
      ttft.genflow.push(through.ttftMs);
    }
    const ttftDirect = summary(ttft.direct);
    const ttftGenflow = summary(ttft.genflow);
    const addedTtft = ttftGenflow.p50 - ttftDirect.p50;
    console.log(
      `  direct p50 ${ttftDirect.p50.toFixed(1)} ms, GenFlow p50 ${ttftGenflow.p50.toFixed(1)} ms → +${addedTtft.toFixed(1)} ms`,
    );

    // 2. Throughput of one long reply the provider sends as fast as it can: THROUGHPUT_WARMUP
    // replies per side first (the JIT has not yet seen a long stream), then THROUGHPUT_RUNS per
    // side, alternating. The direct side reads in a process of its own that does nothing else.
    // The rate is the tokens over the time from the first token to the last; the time before the
    // first token is the first goal's, and is shown here too (the rate from the request).
    console.log(
      `▸ throughput: ${TOKENS} tokens, ${THROUGHPUT_RUNS} times per side after ${THROUGHPUT_WARMUP} to warm up`,
    );
    const rate = { direct: [] as number[], genflow: [] as number[] };
    const rateFromRequest = { direct: [] as number[], genflow: [] as number[] };
    for (let i = -THROUGHPUT_WARMUP; i < THROUGHPUT_RUNS; i++) {
      const message = `[[tokens=${TOKENS}]]`;
      const d = await readDirect(message);
      const g = await relayed(sdk, message);
      if (g.text !== words(TOKENS) || g.stored !== words(TOKENS))
        failures.push("throughput reply incomplete");
      if (i < 0) continue;
      rate.direct.push(TOKENS / (d.streamMs / 1000));
      rate.genflow.push(TOKENS / (g.streamMs / 1000));
      rateFromRequest.direct.push(TOKENS / ((d.ttftMs + d.streamMs) / 1000));
      rateFromRequest.genflow.push(TOKENS / ((g.ttftMs + g.streamMs) / 1000));
    }
    const rateDirect = median(rate.direct);
    const rateGenflow = median(rate.genflow);
    const fromRequest = {
      direct: median(rateFromRequest.direct),
      genflow: median(rateFromRequest.genflow),
    };
    console.log(
      `  direct ${rateDirect.toFixed(0)} tokens/s, GenFlow ${rateGenflow.toFixed(0)} tokens/s → ${((rateGenflow / rateDirect) * 100).toFixed(1)}%` +
        ` (from the request: ${fromRequest.direct.toFixed(0)} and ${fromRequest.genflow.toFixed(0)} → ${((fromRequest.genflow / fromRequest.direct) * 100).toFixed(1)}%)`,
    );
    console.log(
      `  by run: direct ${rate.direct.map((r) => r.toFixed(0)).join(", ")}; GenFlow ${rate.genflow.map((r) => r.toFixed(0)).join(", ")}`,
    );

    // 3. Concurrent replies: each token carries the time the provider sent it. Once with the
    // SDK's WebSocket transport (one connection for all of them), once with its default HTTP
    // transport (an SSE stream each). Each reply continues a conversation of its own, started (and
    // titled) beforehand, as when 200 people are chatting at once.
    const conversations = async () => {
      const ids: string[] = [];
      for (let i = 0; i < STREAMS; i += 20) {
        const batch = await Promise.all(
          Array.from({ length: Math.min(20, STREAMS - i) }, () =>
            relayed(sdk, "[[tokens=3]] Hello"),
          ),
        );
        ids.push(...batch.map((reply) => reply.conversationId));
      }
      return ids;
    };
    const overSocket = await concurrent(
      "WebSocket",
      createGenflowClient({ url: host.ready.url, apiKey: host.ready.key, transport: "websocket" }),
      await conversations(),
      { host: host.process, provider: provider.process },
    );
    const overSse = await concurrent("HTTP + SSE", sdk, await conversations(), {
      host: host.process,
      provider: provider.process,
    });
    const { chunk, errors, incomplete, peak } = overSocket;

    const goals = {
      ttft: addedTtft < 20,
      throughput: rateGenflow / rateDirect >= 0.9,
      concurrent: errors === 0 && incomplete === 0 && chunk.p99 < 100 && peak === STREAMS,
    };
    const loadAfter = currentLoad();
    const report = [
      `Latest full run: **${new Date().toISOString().replace(/\.\d+Z$/, "Z")}**`,
      "",
      `- Machine: ${machine.cpus} × ${machine.cpuModel} (\`nproc\` = ${machine.cpus}), ${machine.platform}, Node ${machine.node}`,
      `- Load average (1 min) before: ${loadBefore.toFixed(2)}; after: ${loadAfter.toFixed(2)}`,
      `- Host: ${process.env["BENCH_CHAT_DATABASE_URL"] ? "Postgres" : "embedded PGlite"}, ${process.env["BENCH_CHAT_REDIS_URL"] ? "Redis" : "in-process pub/sub"}; provider, host and subscribers in three processes`,
      "",
      "| Measure | Direct from the provider | Through GenFlow | Result |",
      "| --- | ---: | ---: | ---: |",
      `| Time to first token, p50 (provider's own: ${TTFT} ms) | ${ttftDirect.p50.toFixed(1)} ms | ${ttftGenflow.p50.toFixed(1)} ms | +${addedTtft.toFixed(1)} ms |`,
      `| Time to first token, p90 / p99 | ${ttftDirect.p90.toFixed(1)} / ${ttftDirect.p99.toFixed(1)} ms | ${ttftGenflow.p90.toFixed(1)} / ${ttftGenflow.p99.toFixed(1)} ms | |`,
      `| Throughput, one ${TOKENS}-token reply, first token to last (median of ${THROUGHPUT_RUNS}) | ${rateDirect.toFixed(0)} tokens/s | ${rateGenflow.toFixed(0)} tokens/s | ${((rateGenflow / rateDirect) * 100).toFixed(1)}% |`,
      `| The same replies, from the request to the last token | ${fromRequest.direct.toFixed(0)} tokens/s | ${fromRequest.genflow.toFixed(0)} tokens/s | ${((fromRequest.genflow / fromRequest.direct) * 100).toFixed(1)}% |`,
      ...(
        [
          ["one WebSocket", overSocket],
          ["an SSE stream each", overSse],
        ] as const
      ).flatMap(([label, r]) => {
        return [
          `| ${STREAMS} replies over ${label}: sending the message (\`aiChat.send\`), p50 / p99 | | ${summary(r.sendTimes).p50.toFixed(0)} / ${summary(r.sendTimes).p99.toFixed(0)} ms | |`,
          `| ${STREAMS} replies over ${label}: CPU during the run (share of one core) | provider ${(r.cpuShare.provider * 100).toFixed(0)}% | host ${(r.cpuShare.host * 100).toFixed(0)}%, subscribers ${(r.cpuShare.client * 100).toFixed(0)}% | |`,
          `| ${STREAMS} replies over ${label} × ${STREAM_TOKENS} tokens every ${DELAY} ms, started over ${RAMP} ms (at most ${r.peak} at once): chunk latency p50 / p99 | | ${r.chunk.p50} / ${r.chunk.p99} ms | ${r.errors} errors, ${r.incomplete} incomplete |`,
        ];
      }),
      "",
      `- Throughput by run, tokens/s (first token to last): direct ${rate.direct.map((r) => r.toFixed(0)).join(", ")}; through GenFlow ${rate.genflow.map((r) => r.toFixed(0)).join(", ")}`,
      `- **Goal: added time to first token under 20 ms (p50): ${goals.ttft ? "PASS" : "FAIL"} (+${addedTtft.toFixed(1)} ms).**`,
      `- **Goal: relay throughput at least 90% of direct: ${goals.throughput ? "PASS" : "FAIL"} (${((rateGenflow / rateDirect) * 100).toFixed(1)}%).**`,
      `- **Goal: ${STREAMS} concurrent streaming replies on one server process with no errors and chunk latency p99 under 100 ms (the SDK's WebSocket transport): ${goals.concurrent ? "PASS" : "FAIL"} (p99 ${chunk.p99} ms, ${errors} errors, ${incomplete} incomplete).**`,
    ].join("\n");
    console.log(`\n${report}`);
    if (failures.length > 0) {
      console.error(`\nFailures: ${[...new Set(failures)].join("; ")}`);
      process.exitCode = 1;
    } else if (!values["no-doc"] && DEFAULTS) {
      const start = "<!-- bench:chat results: start (written by `pnpm bench:chat`) -->";
      const end = "<!-- bench:chat results: end -->";
      replaceDocSection(DOC_PATH, `${start}\n\n${report}\n\n${end}`, start, end);
      console.log("docs/benchmarks.md updated");
    }
  } finally {
    reader.process.disconnect();
    await stop(host.process);
    await stop(provider.process);
  }
}

await main();
