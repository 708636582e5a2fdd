import { schema, type Database } from "@genflow/db";
import { and, eq, lt, sql } from "drizzle-orm";

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

const { chatMessages, chatUsage } = schema;

/** `YYYY-MM-DD` of a time, in UTC: the day a reply's tokens count against. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

export interface ReplyRunnerDeps {
  db: Database;
  pubsub: PubSub;
  log: Logger;
  clock: Clock;
}

export interface ReplyRunnerOptions {
  /** This process, recorded on the replies it writes. */
  workerId: string;
  /** How often streaming replies' text is written to the database, in ms. Default 1 000. */
  flushIntervalMs?: number | undefined;
  /**
   * Text that arrives within this many ms of the last piece sent to subscribers waits and goes
   * with the next one (the first piece always goes at once). Default 25.
   */
  publishIntervalMs?: number | undefined;
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
  /** Resolves once the reply's row is stored (the provider may be asked before); when it rejects, the run ends without a trace. */
  ready?: Promise<unknown> | undefined;
  /** Called after the reply's final row is stored (e.g. to title a new conversation). */
  onFinished?: ((status: ReplyEndStatus) => Promise<void>) | undefined;
}

export type ReplyEndStatus = "completed" | "stopped" | "interrupted" | "failed";

export interface ReplyRunner {
  /** Runs the reply in the background; the caller does not wait for it. */
  start(spec: ReplyRunSpec): void;
  /** Stops a reply running in this process. False when it does not run here. */
  stopLocal(messageId: string, by: string): boolean;
  /**
   * A stored reply this process is streaming now: its owner and all its text so far (ahead of
   * what is saved, and of what was published). Undefined when it does not stream here.
   */
  local(messageId: string): { userId: string; content: string } | undefined;
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
  userId: string;
  controller: AbortController;
  done: Promise<void>;
  /** The reply's text so far (what the provider has sent, after the prefix). */
  content: string;
  /** How much of `content` is stored. */
  saved: number;
  /** When the row was last written (performance.now()). */
  lastSaveAt: number;
  /** The row exists: periodic saves may write it. */
  stored: boolean;
}

/**
 * Runs reply streams in this process: text goes to subscribers as it arrives (pub/sub, pieces that
 * arrive together published as one) and to the database every `flushIntervalMs`, every running
 * reply in one statement; the final row records status, tokens, timings and cost. A stop request
 * published by any process reaches the one running the reply.
 */
export async function createReplyRunner(
  deps: ReplyRunnerDeps,
  options: ReplyRunnerOptions,
): Promise<ReplyRunner> {
  const flushIntervalMs = options.flushIntervalMs ?? 1_000;
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? 5_000;
  const publishIntervalMs = options.publishIntervalMs ?? 25;
  /** Runs still streaming (their text may be saved periodically), by message id. */
  const active = new Map<string, Active>();
  /** Every run not yet finished, including those storing their final row. */
  const runs = new Set<Active>();
  let closing = false;

  const stopLocal = (messageId: string, by: string) => {
    const run = active.get(messageId);
    if (!run) return false;
    run.controller.abort(new ReplyStopped(by));
    return true;
  };

  // Saves are chained so they land in order. A reply whose row is gone or no longer streaming
  // (deleted, or stopped by another process after this one went quiet) is stopped here.
  let saving: Promise<void> = Promise.resolve();
  const saveAll = (force: boolean) => {
    saving = saving.then(async () => {
      const now = performance.now();
      const due = [...active.entries()].filter(
        ([, run]) =>
          run.stored &&
          (run.content.length !== run.saved ||
            (!force && now - run.lastSaveAt >= heartbeatIntervalMs)),
      );
      if (due.length === 0) return;
      const texts = due.map(([, run]) => run.content);
      for (const [, run] of due) run.lastSaveAt = now;
      const list = (values: string[]) =>
        sql`array[${sql.join(
          values.map((value) => sql`${value}`),
          sql`, `,
        )}]::text[]`;
      const rows = await deps.db
        .update(chatMessages)
        .set({ content: sql`v.content`, heartbeatAt: deps.clock.now() })
        .from(
          sql`(select unnest(${list(due.map(([id]) => id))}) as id, unnest(${list(texts)}) as content) as v`,
        )
        .where(and(sql`${chatMessages.id} = v.id`, eq(chatMessages.status, "streaming")))
        .returning({ id: chatMessages.id });
      const stored = new Set(rows.map((row) => row.id));
      due.forEach(([id, run], index) => {
        if (stored.has(id)) run.saved = Math.max(run.saved, texts[index]?.length ?? 0);
        else run.controller.abort(new ReplyGone());
      });
    });
    saving = saving.catch((error: unknown) => {
      deps.log.warn({ err: error }, "could not save streaming replies");
    });
    return saving;
  };
  const timer = setInterval(() => void saveAll(false), flushIntervalMs);
  timer.unref();
  const publish = (messageId: string, message: ReplyLiveMessage) =>
    deps.pubsub.publish(replyChannel(messageId), message).catch((error: unknown) => {
      deps.log.warn({ err: error, messageId }, "could not publish a reply event");
    });

  const unsubscribe = await deps.pubsub.subscribe(REPLY_CONTROL_CHANNEL, (message) => {
    const parsed = ReplyControlMessage.safeParse(message);
    if (!parsed.success) return;
    if (parsed.data.type === "stop") {
      stopLocal(parsed.data.messageId, parsed.data.by);
    } else {
      const run = active.get(parsed.data.messageId);
      if (run) {
        void publish(parsed.data.messageId, { type: "delta", start: 0, text: run.content });
      }
    }
  });

  async function run(spec: ReplyRunSpec, entry: Active): Promise<void> {
    const { controller } = entry;
    const { messageId } = spec;
    const { signal } = controller;
    const log = deps.log.child({ messageId });
    const started = performance.now();
    let ttftMs: number | null = null;
    let usage: { inputTokens: number; outputTokens: number } | undefined;
    /** Where this run's text starts in the reply's content. */
    const generatedFrom = entry.content.length;

    // Text goes out at once when nothing went out in the last `publishIntervalMs`; pieces that
    // arrive sooner wait for the rest of that interval and go out together, so a fast stream
    // costs its subscribers a message per interval rather than one per token.
    let unpublished = entry.content.length;
    let publishTimer: NodeJS.Timeout | undefined;
    let lastPublish = Number.NEGATIVE_INFINITY;
    const publishPending = () => {
      publishTimer = undefined;
      if (entry.content.length === unpublished) return;
      const start = unpublished;
      unpublished = entry.content.length;
      lastPublish = performance.now();
      void publish(messageId, { type: "delta", start, text: entry.content.slice(start) });
    };
    const schedulePublish = () => {
      if (publishTimer) return;
      const wait = lastPublish + publishIntervalMs - performance.now();
      publishTimer = setTimeout(publishPending, Math.max(0, wait));
    };

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
          entry.content += part.text;
          schedulePublish();
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
    }
    clearTimeout(publishTimer);
    publishPending();
    if (spec.ready) {
      try {
        await spec.ready;
      } catch {
        // The reply was never stored (the request that started it failed): nothing to record.
        active.delete(messageId);
        return;
      }
    }
    const content = entry.content;
    const generated = content.slice(generatedFrom);
    // No periodic save may write this reply once its final row is being stored.
    active.delete(messageId);
    await saving;

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
    const spent = thisRun.inputTokens + thisRun.outputTokens;
    if (spent > 0) {
      await deps.db
        .insert(chatUsage)
        .values({ userId: spec.userId, day: utcDay(deps.clock.now()), tokens: spent })
        .onConflictDoUpdate({
          target: [chatUsage.userId, chatUsage.day],
          set: { tokens: sql`${chatUsage.tokens} + ${spent}` },
        })
        .catch((cause: unknown) => log.warn({ err: cause }, "could not count a reply's tokens"));
    }
    await publish(messageId, { type: "end", status });
    await spec.onFinished?.(status).catch((cause: unknown) => {
      log.warn({ err: cause }, "after-reply step failed");
    });
  }

  return {
    start(spec) {
      if (closing) throw new Error("The reply runner is closed");
      const entry: Active = {
        userId: spec.userId,
        controller: new AbortController(),
        done: Promise.resolve(),
        content: spec.prefix,
        saved: spec.prefix.length,
        lastSaveAt: performance.now(),
        stored: spec.ready === undefined,
      };
      active.set(spec.messageId, entry);
      spec.ready?.then(
        () => {
          entry.stored = true;
        },
        () => entry.controller.abort(new ReplyGone()),
      );
      entry.done = run(spec, entry)
        .catch((error: unknown) => {
          deps.log.error({ err: error, messageId: spec.messageId }, "reply run crashed");
        })
        .finally(() => active.delete(spec.messageId));
      runs.add(entry);
      void entry.done.finally(() => runs.delete(entry));
    },
    stopLocal,
    local(messageId) {
      const run = active.get(messageId);
      return run?.stored ? { userId: run.userId, content: run.content } : undefined;
    },
    running: () => runs.size,
    async close() {
      closing = true;
      clearInterval(timer);
      await unsubscribe().catch(() => undefined);
      const current = [...runs];
      for (const run of current) run.controller.abort(new ReplyInterrupted());
      await Promise.all(current.map((run) => run.done));
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
