// (b) @imgly/background-removal-node's `removeBackground()`, as its README shows it: the photo
// as a Blob, the "medium" model (the same IS-Net medium as GenFlow's `quality` tier), PNG out
// (its default output settings), model files read offline from the package's own dist/ folder.
//
// One substitution, made in this process only: the package depends on sharp ~0.32, whose native
// part is fetched by an install script from GitHub, which this repository does not run
// (`onlyBuiltDependencies`) and which an offline install cannot reach. Its `import "sharp"` is
// therefore resolved to GenFlow's own sharp (0.35, libvips 8.17) by a module-resolution hook;
// the calls it makes (`metadata`, `ensureAlpha`, `raw`, `toFormat`) behave the same in both.
// Its own onnxruntime-node (~1.17) is left as it is.
import { createRequire, register } from "node:module";

import type { Config } from "@imgly/background-removal-node";

import { checkPng, type PreparedContender } from "./contender";
import { IMGLY_MODEL } from "./model";

const PACKAGE = "@imgly/background-removal-node";

/** Makes the package's `import "sharp"` load GenFlow's sharp. */
function redirectSharp(): void {
  const target = import.meta.resolve("sharp");
  const hook = `export async function resolve(specifier, context, next) {
    if (specifier === "sharp" && context.parentURL?.includes("/${PACKAGE}/"))
      return next(${JSON.stringify(target)}, context);
    return next(specifier, context);
  }`;
  register(`data:text/javascript,${encodeURIComponent(hook)}`);
}

export async function prepareImgly(): Promise<PreparedContender> {
  redirectSharp();
  const entry = import.meta.resolve(PACKAGE);
  // Imported only now, after the hook is in place.
  const { removeBackground } = await import("@imgly/background-removal-node");
  const own = createRequire(entry);
  const version = (name: string) => (own(`${name}/package.json`) as { version: string }).version;
  const config: Config = {
    publicPath: new URL("./", entry).href,
    model: IMGLY_MODEL,
    output: { format: "image/png" },
  };
  return {
    load: (bytes, photo) =>
      Promise.resolve(async () => {
        const blob = await removeBackground(new Blob([bytes], { type: "image/jpeg" }), config);
        const png = new Uint8Array(await blob.arrayBuffer());
        checkPng(png, photo);
        return { outputBytes: png.length };
      }),
    close: () => Promise.resolve(),
    details: {
      use: `removeBackground(new Blob([bytes], { type: "image/jpeg" }), { publicPath: <its dist/>, model: "${IMGLY_MODEL}", output: { format: "image/png" } })`,
      onnxruntime: `onnxruntime-node ${version("onnxruntime-node")} (its own)`,
      sharp: "resolved to GenFlow's sharp 0.35 (its own ~0.32 has no native build offline)",
    },
  };
}
