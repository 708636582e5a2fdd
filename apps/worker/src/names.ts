import { randomBytes } from "node:crypto";
import { hostname } from "node:os";

/** This process's name in `tasks.worker_id`: host, pid and a random suffix (pids repeat). */
export function workerName(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
}
