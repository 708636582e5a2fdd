import { EnvError, loadDotEnvFile, loadEnv, type Env } from "./env";

function readEnv(): Env {
  try {
    loadDotEnvFile();
    return loadEnv();
  } catch (error) {
    if (error instanceof EnvError) {
      // One readable message naming every problem; a stack trace would only bury it.
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

async function main() {
  const env = readEnv();
  // Loaded after the environment checks out, so a configuration mistake is reported at once.
  const { createWorker } = await import("./worker");
  const worker = await createWorker(env);
  const { log } = worker;

  process.on("unhandledRejection", (reason) => {
    log.error({ err: reason }, "unhandled promise rejection");
  });
  process.on("uncaughtException", (error) => {
    log.fatal({ err: error }, "uncaught exception; exiting");
    process.exit(1);
  });

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, "second signal received; exiting now");
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, "shutdown requested");
    worker.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);

  await worker.start();
}

main().catch((error: unknown) => {
  console.error("GenFlow worker failed to start:", error instanceof Error ? error.message : error);
  process.exit(1);
});
