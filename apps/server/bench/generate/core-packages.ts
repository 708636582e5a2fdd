// The font and emoji packages GenFlow's engine draws with, resolved exactly as the engine resolves
// them: from core's own dependencies (`packages/core`, found the way Node resolves `@genflow/core`
// from this app), so satori is handed the very same files.
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

let required: NodeJS.Require | undefined;

export function coreRequire(): NodeJS.Require {
  if (!required) {
    const entry = fileURLToPath(import.meta.resolve("@genflow/core"));
    required = createRequire(path.join(path.dirname(entry), "..", "package.json"));
  }
  return required;
}
