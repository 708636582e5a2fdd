import { createTestDatabase, type TestDatabase } from "@genflow/db/testing";

import { MemoryPubSub } from "../src/adapters/memory";
import {
  buildChatProviders,
  createReplyRunner,
  DEFAULT_AI_CHAT_LIMITS,
  parseChatProviderEnv,
  type AiChatDeps,
  type ReplyRunner,
} from "../src/ai-chat";
import {
  startScriptedChatServer,
  type ScriptedChatServerOptions,
  type ScriptedChatServer,
} from "../src/ai-chat/testing/scripted-chat-server";
import { DomainError } from "../src/errors";
import { systemClock, type Logger } from "../src/ports";

/** Test support for the assistant's suites: a database, the scripted provider and a reply runner. */

export const quietLog: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => quietLog,
};

/** Awaits a call that must fail with a DomainError, and returns it. */
export async function failure(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error("expected a DomainError");
}

export interface ChatHarness {
  database: TestDatabase;
  server: ScriptedChatServer;
  runner: ReplyRunner;
  deps: AiChatDeps;
  close(): Promise<void>;
}

/**
 * A real database (PGlite, or Postgres with DATABASE_URL), the local OpenAI-compatible server and
 * a reply runner saving every 30 ms; `provider` is the `AI_PROVIDERS` entry, given the server's URL.
 */
export async function startChatHarness(options: {
  workerId: string;
  script?: ScriptedChatServerOptions["script"];
  provider?: (url: string) => Record<string, unknown>;
}): Promise<ChatHarness> {
  const database = await createTestDatabase(process.env.DATABASE_URL);
  const server = await startScriptedChatServer({ script: options.script });
  const core = {
    db: database.db,
    pubsub: new MemoryPubSub({ log: quietLog }),
    log: quietLog,
    clock: systemClock,
    cache: undefined as never,
    rateLimiter: undefined as never,
  };
  const runner = await createReplyRunner(core, {
    workerId: options.workerId,
    flushIntervalMs: 30,
  });
  const provider = options.provider?.(server.url) ?? {
    id: "p",
    baseUrl: server.url,
    models: [{ id: "m" }],
  };
  const deps: AiChatDeps = {
    ...core,
    chat: {
      providers: buildChatProviders(
        parseChatProviderEnv({ AI_PROVIDERS: JSON.stringify([provider]) }),
      ),
      replies: runner,
      limits: DEFAULT_AI_CHAT_LIMITS,
    },
  };
  return {
    database,
    server,
    runner,
    deps,
    async close() {
      await runner.close();
      await server.close();
      await database.destroy();
    },
  };
}
