import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";

import type { Env } from "./env";

const MIN_LENGTH = 32;

/**
 * The secret that signs sessions. Production requires AUTH_SECRET (enforced by env.ts). In
 * development, a generated secret is kept in DATA_DIR/auth-secret so sessions survive restarts;
 * under test, every process gets a fresh one.
 */
export async function resolveAuthSecret(
  env: Pick<Env, "AUTH_SECRET" | "NODE_ENV" | "DATA_DIR">,
): Promise<string> {
  if (env.AUTH_SECRET) return env.AUTH_SECRET;
  const generated = randomBytes(32).toString("base64url");
  if (env.NODE_ENV === "test") return generated;

  const file = path.resolve(env.DATA_DIR, "auth-secret");
  const existing = await readFile(file, "utf8").then(
    (text) => text.trim(),
    (error: unknown) => {
      if (isMissingFile(error)) return undefined;
      throw error;
    },
  );
  if (existing !== undefined && existing.length >= MIN_LENGTH) return existing;

  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${generated}\n`, { mode: 0o600 });
  return generated;
}

function isMissingFile(error: unknown): boolean {
  return error instanceof Error && "code" in error && error.code === "ENOENT";
}
