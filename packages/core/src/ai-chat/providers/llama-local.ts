import { basename } from "node:path";

import type {
  ChatHistoryItem,
  Llama,
  LlamaChat,
  LlamaContext,
  LlamaLogLevel,
  LlamaModel,
} from "node-llama-cpp";

import { DomainError } from "../../errors";
import type { Logger } from "../../ports/logger";
import type {
  ChatProvider,
  ChatProviderInfo,
  ChatStreamPart,
  ChatStreamRequest,
  ChatTurn,
} from "./ports";

export interface LocalLlamaOptions {
  /** A GGUF file on this machine. Never downloaded: a missing file makes every reply UNAVAILABLE. */
  modelPath: string;
  /** Provider id; `"local"` when not set. */
  id?: string | undefined;
  label?: string | undefined;
  /** CPU threads for generation. Set it: llama.cpp's default can be far slower on small machines. */
  threads: number;
  /** Tokens the model sees at once, prompt and reply together; 2048 when not set. */
  contextSize?: number | undefined;
  /** The reply length asked for by default; half the context (at most 1024) when not set. */
  maxOutputTokens?: number | undefined;
  log?: Logger | undefined;
}

/** What a first `stream()` loads and later ones reuse until `close()`. */
interface Loaded {
  llama: Llama;
  model: LlamaModel;
  context: LlamaContext;
  chat: LlamaChat;
}

const DEFAULT_CONTEXT_SIZE = 2048;

/**
 * A GGUF model run in this process with node-llama-cpp, on the CPU, with its prebuilt binary
 * (nothing is compiled or downloaded at run time). The model loads on the first reply and stays
 * loaded; replies run one at a time, the others wait their turn.
 *
 * The prompt is the conversation formatted by the chat wrapper node-llama-cpp resolves for the
 * model (its own template, or one chosen from its architecture). A final assistant turn is
 * continued rather than answered.
 */
export function localLlamaProvider(options: LocalLlamaOptions): ChatProvider {
  const id = options.id ?? "local";
  const contextSize = options.contextSize ?? DEFAULT_CONTEXT_SIZE;
  const modelId = basename(options.modelPath).replace(/\.gguf$/i, "");
  const log = options.log?.child({ provider: id });
  const info: ChatProviderInfo = {
    id,
    label: options.label ?? id,
    kind: "local",
    models: [
      {
        id: modelId,
        label: modelId,
        contextWindow: contextSize,
        maxOutputTokens: options.maxOutputTokens ?? Math.min(1024, Math.floor(contextSize / 2)),
      },
    ],
  };

  let loading: Promise<Loaded> | undefined;
  let closed = false;
  /** Resolves when the generation ahead of the next caller has ended: a promise-chain mutex. */
  let tail: Promise<void> = Promise.resolve();
  /** Stops the running generation when the provider closes. */
  const running = new Set<AbortController>();

  function load(): Promise<Loaded> {
    loading ??= loadModel(options, contextSize, log).catch((error: unknown) => {
      loading = undefined; // the file may appear later: the next reply tries again
      throw error;
    });
    return loading;
  }

  /** Waits for the generations ahead; the returned function lets the next one go. */
  async function takeTurn(signal: AbortSignal): Promise<() => void> {
    const ahead = tail;
    let release!: () => void;
    tail = new Promise<void>((resolve) => (release = resolve));
    try {
      await untilAborted(ahead, signal);
    } catch (error) {
      // Leave the line without letting anyone behind overtake the generation still running.
      void ahead.then(release);
      throw error;
    }
    return release;
  }

  return {
    info,
    async *stream(request: ChatStreamRequest): AsyncGenerator<ChatStreamPart> {
      const { signal } = request;
      signal.throwIfAborted();
      if (request.model !== modelId) {
        throw new DomainError(
          "VALIDATION",
          `The AI provider "${id}" has no model "${request.model}"`,
        );
      }
      if (closed) throw closedError(id);
      const { model, chat } = await untilAborted(load(), signal);
      const release = await takeTurn(signal);
      const stop = new AbortController();
      const onAbort = () => stop.abort(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      running.add(stop);
      let generation: Promise<unknown> | undefined;
      try {
        if (closed) throw closedError(id);
        signal.throwIfAborted();

        const history = chatHistory(request.messages);
        const inputTokens = chat.chatWrapper
          .generateContextState({ chatHistory: history })
          .contextText.tokenize(model.tokenizer).length;

        // Bridge the generation's callback to this generator: chunks queue up until yielded.
        const chunks: string[] = [];
        let outputTokens = 0;
        let wake: (() => void) | undefined;
        let outcome: { stopReason: string } | { error: unknown } | undefined;
        const notify = () => {
          wake?.();
          wake = undefined;
        };
        generation = chat
          .generateResponse(history, {
            onTextChunk(text) {
              chunks.push(text);
              notify();
            },
            onToken(tokens) {
              outputTokens += tokens.length;
            },
            signal: stop.signal,
            maxTokens: request.maxOutputTokens,
            ...(request.temperature !== undefined && { temperature: request.temperature }),
          })
          .then(
            (response) => (outcome = { stopReason: response.metadata.stopReason }),
            (error: unknown) => (outcome = { error }),
          )
          .finally(notify);

        for (;;) {
          signal.throwIfAborted();
          const text = chunks.shift();
          if (text !== undefined) {
            if (text) yield { type: "text", text };
            continue;
          }
          if (outcome) break;
          await new Promise<void>((resolve) => (wake = resolve));
        }

        if ("error" in outcome) {
          if (signal.aborted) throw signal.reason;
          if (stop.signal.aborted) throw stop.signal.reason;
          log?.warn({ err: outcome.error }, "local model failed mid-reply");
          throw new DomainError("UNAVAILABLE", `The AI provider "${id}" failed mid-reply`, {
            cause: outcome.error,
          });
        }
        signal.throwIfAborted();
        yield { type: "usage", inputTokens, outputTokens };
        yield { type: "finish", reason: outcome.stopReason === "maxTokens" ? "length" : "stop" };
      } finally {
        // The caller may stop reading early: end the generation before the next one starts.
        if (!stop.signal.aborted) stop.abort(new Error("The reply stream was closed"));
        await generation;
        signal.removeEventListener("abort", onAbort);
        running.delete(stop);
        release();
      }
    },
    async close() {
      closed = true;
      for (const stop of running) stop.abort(closedError(id));
      await tail;
      const loaded = await loading?.catch(() => undefined);
      loading = undefined;
      if (loaded) await disposeAll(loaded);
    },
  };
}

async function loadModel(
  options: LocalLlamaOptions,
  contextSize: number,
  log: Logger | undefined,
): Promise<Loaded> {
  const started = performance.now();
  let llama: Llama;
  let LlamaChatClass: typeof LlamaChat;
  try {
    // Imported here: the runtime is large, and deployments without a local model never need it.
    const { getLlama, LlamaChat, LlamaLogLevel } = await import("node-llama-cpp");
    LlamaChatClass = LlamaChat;
    llama = await getLlama({
      gpu: false,
      build: "never",
      maxThreads: options.threads,
      ...(log && { logLevel: LlamaLogLevel.warn, logger: llamaLogger(log) }),
    });
  } catch (error) {
    log?.error({ err: error }, "the local model runtime cannot start");
    throw new DomainError("UNAVAILABLE", "The local model runtime cannot be started", {
      cause: error,
    });
  }
  try {
    const model = await llama.loadModel({ modelPath: options.modelPath });
    const context = await model.createContext({ contextSize, threads: options.threads });
    const chat = new LlamaChatClass({ contextSequence: context.getSequence() });
    log?.info(
      {
        modelPath: options.modelPath,
        threads: options.threads,
        contextSize: context.contextSize,
        chatWrapper: chat.chatWrapper.wrapperName,
        ms: Math.round(performance.now() - started),
      },
      "local model loaded",
    );
    return { llama, model, context, chat };
  } catch (error) {
    await llama.dispose().catch(() => undefined);
    log?.error(
      { err: error, modelPath: options.modelPath },
      "the local model file cannot be loaded",
    );
    throw new DomainError("UNAVAILABLE", "The local model file cannot be loaded", {
      cause: error,
    });
  }
}

async function disposeAll({ llama, model, context, chat }: Loaded): Promise<void> {
  chat.dispose();
  await context.dispose();
  await model.dispose();
  await llama.dispose();
}

/**
 * The conversation as node-llama-cpp history. It always ends with a model turn: an empty one to
 * answer the last message, or the final assistant turn to continue.
 */
function chatHistory(turns: ChatTurn[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = turns.map((turn) =>
    turn.role === "system"
      ? { type: "system", text: turn.content }
      : turn.role === "user"
        ? { type: "user", text: turn.content }
        : { type: "model", response: [turn.content] },
  );
  if (history.at(-1)?.type !== "model") history.push({ type: "model", response: [] });
  return history;
}

/** Waits for `promise`, or throws the abort reason as soon as `signal` aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** llama.cpp's own messages, into the app's log: problems as warnings and errors, the rest as debug. */
function llamaLogger(log: Logger) {
  const levels: Partial<Record<string, "error" | "warn">> = {
    fatal: "error",
    error: "error",
    warn: "warn",
  };
  return (level: LlamaLogLevel, message: string) => {
    log[levels[level] ?? "debug"]({ llama: level }, message.trimEnd());
  };
}

function closedError(id: string): DomainError {
  return new DomainError("UNAVAILABLE", `The AI provider "${id}" is closed`);
}
