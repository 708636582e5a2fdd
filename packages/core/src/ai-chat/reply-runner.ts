import { schema, type Database } from "@genflow/db";
import { and, eq, lt } from "drizzle-orm";

import { isDomainError } from "../errors";
import type { Clock, Logger, PubSub } from "../ports";
import { tokenCounter } from "./budget";
import {
  REPLY_CONTROL_CHANNEL,
  ReplyControlMessage,
  replyChannel,
  type ReplyLiveMessage,
} from "./channels";
import type { ChatModelInfo, ChatProvider, ChatTurn } from "./providers/ports";

const { chatMessages } = schema;

export interface ReplyRunnerDeps {
  db: Database;
  pubsub: PubSub;
  log: Logger;
  clock: Clock;
}

export interface ReplyRunnerOptions {
  /** This process, recorded on the replies it writes. */
  workerId: string;
  /** How often a streaming reply's text is written to the database, in ms. Default 500. */
  flushIntervalMs?: number | undefined;
  /** How often a reply that is waiting for the provider still records that it is alive. Default 5 000. */
  heartbeatIntervalMs?: number | undefined;
}

/** What a reply run needs: the message it writes into and what to ask which model. */
export interface ReplyRunSpec {
  messageId: string;
  userId: string;
  provider: ChatProvider;
  model: ChatModelInfo;
  turns: ChatTurn[];
  temperature?: number | undefined;
  maxOutputTokens: number;
  /** Text the message already holds (a "continue" appends to it). */
  prefix: string;
  /** Counters of earlier runs of the same message, added to. */
  previous: {
    inputTokens: number;
    outputTokens: number;
    durationMs: number;
    ttftMs: number | null;
  };
  /** The prompt's size as counted here, used when the provider reports no usage. */
  estimatedInputTokens: number;
  /** Called after the reply's final row is stored (e.g. to title a new conversation). */
  onFinished?: ((status: ReplyEndStatus) => Promise<void>) | undefined;
}

export type ReplyEndStatus = "completed" | "stopped" | "interrupted" | "failed";

export interface ReplyRunner {
  /** Runs the reply in the background; the caller does not wait for it. */
  start(spec: ReplyRunSpec): void;
  /** Stops a reply running in this process. False when it does not run here. */
  stopLocal(messageId: string, by: string): boolean;
  /** Replies running in this process. */
  running(): number;
  /** Marks every running reply `interrupted` (keeping its text) and waits for them to be stored. */
  close(): Promise<void>;
}

class ReplyStopped extends Error {
  constructor(readonly by: string) {
    super("stopped");
  }
}
class ReplyInterrupted extends Error {}
class ReplyGone extends Error {}

interface Active {
  controller: AbortController;
  done: Promise<void>;
  /** Writes the text received so far at once. */
  save: () => void;
}

/**
 * Runs reply streams in this process: text goes to subscribers as it arrives (pub/sub) and to the
 * database every `flushIntervalMs`; the final row records status, tokens, timings and cost. A stop
 * request published by any process reaches the one running the reply.
 */
export async function createReplyRunner(
  deps: ReplyRunnerDeps,
  options: ReplyRunnerOptions,
): Promise<ReplyRunner> {
  const flushIntervalMs = options.flushIntervalMs ?? 500;
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? 5_000;
  const active = new Map<string, Active>();
  let closing = false;

  const stopLocal = (messageId: string, by: string) => {
    const run = active.get(messageId);
    if (!run) return false;
    run.controller.abort(new ReplyStopped(by));
    return true;
  };

  const unsubscribe = await deps.pubsub.subscribe(REPLY_CONTROL_CHANNEL, (message) => {
    const parsed = ReplyControlMessage.safeParse(message);
    if (!parsed.success) return;
    if (parsed.data.type === "stop") stopLocal(parsed.data.messageId, parsed.data.by);
    else active.get(parsed.data.messageId)?.save();
  });

  const publish = (messageId: string, message: ReplyLiveMessage) =>
    deps.pubsub.publish(replyChannel(messageId), message).catch((error: unknown) => {
      deps.log.warn({ err: error, messageId }, "could not publish a reply event");
    });

  async function run(spec: ReplyRunSpec, entry: Active): Promise<void> {
    const { controller } = entry;
    const { messageId, signal } = { messageId: spec.messageId, signal: controller.signal };
    const log = deps.log.child({ messageId });
    const started = performance.now();
    let content = spec.prefix;
    let written = content.length;
    let lastWrite = started;
    let ttftMs: number | null = null;
    let usage: { inputTokens: number; outputTokens: number } | undefined;
    let generated = "";

    // Writes are chained so they land in order; a write that finds the row gone or ended stops the run.
    let writing: Promise<void> = Promise.resolve();
    const flush = (force: boolean) => {
      const now = performance.now();
      if (!force && content.length === written && now - lastWrite < heartbeatIntervalMs) return;
      const text = content;
      lastWrite = now;
      writing = writing.then(async () => {
        const rows = await deps.db
          .update(chatMessages)
          .set({ content: text, heartbeatAt: deps.clock.now() })
          .where(and(eq(chatMessages.id, messageId), eq(chatMessages.status, "streaming")))
          .returning({ id: chatMessages.id });
        if (rows.length === 0) controller.abort(new ReplyGone());
        else written = Math.max(written, text.length);
      });
      writing = writing.catch((error: unknown) => {
        log.warn({ err: error }, "could not save a streaming reply");
      });
    };
    entry.save = () => flush(true);
    const timer = setInterval(() => flush(false), flushIntervalMs);
    timer.unref();

    let status: ReplyEndStatus = "completed";
    let error: { code: string; message: string } | undefined;
    let stoppedBy: string | null = null;
    try {
      const stream = spec.provider.stream({
        model: spec.model.id,
        messages: spec.turns,
        temperature: spec.temperature,
        maxOutputTokens: spec.maxOutputTokens,
        signal,
      });
      for await (const part of stream) {
        if (part.type === "text") {
          if (ttftMs === null) ttftMs = Math.round(performance.now() - started);
          const start = content.length;
          content += part.text;
          generated += part.text;
          void publish(messageId, { type: "delta", start, text: part.text });
        } else if (part.type === "usage") {
          usage = { inputTokens: part.inputTokens, outputTokens: part.outputTokens };
        }
        if (signal.aborted) break;
      }
      if (signal.aborted) throw signal.reason;
    } catch (cause) {
      const reason: unknown = signal.aborted ? signal.reason : cause;
      if (reason instanceof ReplyStopped) {
        status = "stopped";
        stoppedBy = reason.by;
      } else if (reason instanceof ReplyInterrupted || reason instanceof ReplyGone) {
        status = "interrupted";
      } else {
        status = "failed";
        error = isDomainError(reason)
          ? { code: reason.code, message: reason.message }
          : { code: "INTERNAL", message: "The reply failed" };
        log.warn({ err: reason }, "reply failed");
      }
    } finally {
      clearInterval(timer);
    }
    await writing;

    const count = await tokenCounter();
    const thisRun = usage ?? {
      inputTokens: spec.estimatedInputTokens,
      outputTokens: generated ? count(generated) : 0,
    };
    const inputTokens = spec.previous.inputTokens + thisRun.inputTokens;
    const outputTokens = spec.previous.outputTokens + thisRun.outputTokens;
    const prices = spec.model.prices;
    await deps.db
      .update(chatMessages)
      .set({
        content,
        status,
        inputTokens,
        outputTokens,
        ttftMs: spec.previous.ttftMs ?? ttftMs,
        durationMs: spec.previous.durationMs + Math.round(performance.now() - started),
        costMicros: prices
          ? Math.round(inputTokens * prices.input + outputTokens * prices.output)
          : null,
        errorCode: error?.code ?? null,
        errorMessage: error?.message ?? null,
        stoppedBy,
        workerId: null,
        heartbeatAt: null,
        finishedAt: deps.clock.now(),
      })
      .where(and(eq(chatMessages.id, messageId), eq(chatMessages.status, "streaming")));
    await publish(messageId, { type: "end", status });
    await spec.onFinished?.(status).catch((cause: unknown) => {
      log.warn({ err: cause }, "after-reply step failed");
    });
  }

  return {
    start(spec) {
      if (closing) throw new Error("The reply runner is closed");
      const entry: Active = {
        controller: new AbortController(),
        done: Promise.resolve(),
        save: () => undefined,
      };
      active.set(spec.messageId, entry);
      entry.done = run(spec, entry)
        .catch((error: unknown) => {
          deps.log.error({ err: error, messageId: spec.messageId }, "reply run crashed");
        })
        .finally(() => active.delete(spec.messageId));
    },
    stopLocal,
    running: () => active.size,
    async close() {
      closing = true;
      await unsubscribe().catch(() => undefined);
      const runs = [...active.values()];
      for (const run of runs) run.controller.abort(new ReplyInterrupted());
      await Promise.all(runs.map((run) => run.done));
    },
  };
}

/**
 * Marks replies whose process stopped writing them (no heartbeat for `staleAfterMs`) as
 * `interrupted`, keeping the text saved so far, and tells their subscribers. Returns their ids.
 */
export async function recoverStaleReplies(
  deps: ReplyRunnerDeps,
  options: { staleAfterMs: number },
): Promise<string[]> {
  const cutoff = new Date(deps.clock.now().getTime() - options.staleAfterMs);
  const rows = await deps.db
    .update(chatMessages)
    .set({ status: "interrupted", workerId: null, heartbeatAt: null, finishedAt: deps.clock.now() })
    .where(and(eq(chatMessages.status, "streaming"), lt(chatMessages.heartbeatAt, cutoff)))
    .returning({ id: chatMessages.id });
  for (const row of rows) {
    await deps.pubsub
      .publish(replyChannel(row.id), {
        type: "end",
        status: "interrupted",
      } satisfies ReplyLiveMessage)
      .catch(() => undefined);
  }
  return rows.map((row) => row.id);
}
