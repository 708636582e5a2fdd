import { composeCard, loadFonts } from "../engine";
import { createRenderHandler } from "./task";

/**
 * Entry point of a render worker thread (the file the pool is given, not something to import).
 * The fonts are parsed as the thread starts, once, so no render pays for them.
 */
loadFonts();

export default createRenderHandler({ compose: composeCard });
