import { composeCard, loadFonts } from "../engine";
import { createRenderHandler } from "./task";

/**
 * Entry point of a render worker thread (the file the pool is given, not something to import).
 * The fonts are parsed once per thread, in the warm-up task the pool sends each thread as it
 * starts, so no render pays for them.
 */
export default createRenderHandler({ compose: composeCard, warm: () => loadFonts() });
