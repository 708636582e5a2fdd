import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

/** How to start a render worker thread: the file to load and the Node options it needs. */
export interface WorkerScript {
  filename: string;
  /** Node options for the thread; when absent it inherits the process's own. */
  execArgv?: string[];
}

const TS_FILE = /\.[cm]?ts$/;

/**
 * Start options for a worker file. A built `.js` file runs as it is; a TypeScript source (as in
 * tests and `tsx` development runs) gets tsx's loader in the thread's options, unless the process
 * was itself started with it, in which case the thread inherits it.
 */
export function workerScript(filename: string): WorkerScript {
  if (!TS_FILE.test(filename)) return { filename };
  if (process.execArgv.some((arg) => arg.includes("tsx"))) return { filename };
  const loader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  return { filename, execArgv: [...process.execArgv, "--import", loader] };
}

/**
 * The render worker in this package's sources, for running without a build. A bundled server
 * builds `render/worker.ts` as an entry of its own and passes that file to `workerScript` instead.
 */
export function sourceRenderWorker(): WorkerScript {
  return workerScript(fileURLToPath(new URL("./worker.ts", import.meta.url)));
}
