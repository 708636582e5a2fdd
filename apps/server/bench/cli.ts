// Command-line helpers the benchmarks share.
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/**
 * Takes a flag whose folder argument is optional (`--flag [dir]`) out of `args`: undefined when
 * the flag is absent; the given folder, or a fresh temporary one named after `tmpPrefix`, when
 * present. The folder exists afterwards.
 */
export function takeFolderFlag(
  args: string[],
  flag: string,
  tmpPrefix: string,
): string | undefined {
  const index = args.indexOf(flag);
  if (index === -1) return undefined;
  const value = args[index + 1];
  const hasValue = value !== undefined && !value.startsWith("--");
  const folder = hasValue ? path.resolve(value) : mkdtempSync(path.join(tmpdir(), tmpPrefix));
  args.splice(index, hasValue ? 2 : 1);
  mkdirSync(folder, { recursive: true });
  return folder;
}
