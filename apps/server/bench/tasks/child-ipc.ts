// The child side of the IPC channel: every child process of the benchmark is started by child.ts
// with an IPC channel, says "ready" once it is built, answers the runner's commands, and exits
// after "stop" (or when the runner goes away).
import type { ChildMessage, Command } from "./protocol";

export const errorMessage = (error: unknown) =>
  error instanceof Error ? (error.stack ?? error.message) : String(error);

/** Sends one message to the runner; resolves once it has been handed to the channel. */
export function send(message: ChildMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!process.send) {
      reject(new Error("this script runs as a child of bench/tasks/main.ts (no IPC channel)"));
      return;
    }
    process.send(message, undefined, {}, (error: Error | null) =>
      error ? reject(error) : resolve(),
    );
  });
}

export interface ChildHandlers {
  /** Answers one command other than "stop" (whose answer is "stopped"). */
  handle(command: Exclude<Command, { type: "stop" }>): Promise<ChildMessage>;
  /** Closes whatever the child opened. */
  close(): Promise<void>;
}

/**
 * Builds the child with `build`, says "ready", then answers commands one at a time until "stop".
 * Any error is sent to the runner and ends the process with status 1.
 */
export function serveChild(build: () => Promise<ChildHandlers>): void {
  const fail = async (error: unknown) => {
    process.stderr.write(`${errorMessage(error)}\n`);
    await send({ type: "error", message: errorMessage(error) }).catch(() => undefined);
    process.exit(1);
  };

  void (async () => {
    const handlers = await build();
    let closing = false;
    const stop = async (reply: boolean) => {
      if (closing) return;
      closing = true;
      await handlers.close();
      if (reply) await send({ type: "stopped" });
      process.disconnect?.();
      process.exit(0);
    };
    // The runner died or closed the channel: nothing will ask for results any more.
    process.once("disconnect", () => void stop(false).catch(fail));
    let queue = Promise.resolve();
    process.on("message", (raw: unknown) => {
      const command = raw as Command;
      queue = queue
        .then(async () => {
          if (command.type === "stop") await stop(true);
          else await send(await handlers.handle(command));
        })
        .catch(fail);
    });
    await send({ type: "ready" });
  })().catch(fail);
}
