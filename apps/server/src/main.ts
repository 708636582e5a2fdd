import { createServer as createNetServer, type AddressInfo } from "node:net";

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

/** A port free on `host` now: the system's pick for port 0, released for the server to take. */
async function freePort(host: string): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve, reject) => {
    probe.once("error", reject);
    probe.listen(0, host, resolve);
  });
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * PORT=0 asks for any free port. The server's own URL (PUBLIC_URL, which sign-in and links are
 * built on) must name the port it listens on, so the port is chosen before anything is built.
 */
async function withChosenPort(env: Env): Promise<Env> {
  if (env.PORT !== 0) return env;
  const port = await freePort(env.HOST);
  const derived = env.PUBLIC_URL === "http://localhost:0";
  return { ...env, PORT: port, PUBLIC_URL: derived ? `http://localhost:${port}` : env.PUBLIC_URL };
}

async function main() {
  const env = await withChosenPort(readEnv());
  // Loaded after the environment checks out, so a configuration mistake is reported at once.
  const { createServer } = await import("./server");
  const server = await createServer(env);
  const { log } = server;

  process.on("unhandledRejection", (reason) => {
    log.error({ err: reason }, "unhandled promise rejection");
  });
  process.on("uncaughtException", (error) => {
    log.fatal({ err: error }, "uncaught exception; exiting");
    process.exit(1);
  });

  const listening = await server.listen(env.PORT, env.HOST);
  log.info(
    { port: listening.port, publicUrl: env.PUBLIC_URL },
    `GenFlow listening on ${listening.url}`,
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, "second signal received; exiting now");
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, "shutdown requested");
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error: unknown) => {
  console.error("GenFlow failed to start:", error instanceof Error ? error.message : error);
  process.exit(1);
});
