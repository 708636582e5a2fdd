import { randomUUID } from "node:crypto";

import type { Logger } from "../src/ports";

export interface LogEntry {
  level: "debug" | "info" | "warn" | "error";
  message: string | undefined;
  bindings: Record<string, unknown>;
}

/** A logger that keeps what it is given, so tests can assert on what was logged and how often. */
export function recordingLogger(entries: LogEntry[] = [], bound: Record<string, unknown> = {}) {
  const at =
    (level: LogEntry["level"]) =>
    (first: string | Record<string, unknown>, message?: string): void => {
      if (typeof first === "string") entries.push({ level, message: first, bindings: bound });
      else entries.push({ level, message, bindings: { ...bound, ...first } });
    };
  const log: Logger = {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    child: (bindings) => recordingLogger(entries, { ...bound, ...bindings }).log,
  };
  return { log, entries };
}

export const randomPrefix = () => `genflow-test:${randomUUID().slice(0, 8)}:`;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns true; fails after `timeoutMs`. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
  what = "condition",
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
}

export { deleteKeys, freePort, redisReachable, ThrowawayRedis } from "../src/testing";
