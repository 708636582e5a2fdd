import { createApp } from "./app";
import { buildDeps } from "./deps";
import { EnvError, loadEnv } from "./env";

async function main() {
  let env;
  try {
    env = loadEnv();
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const log = {
    debug: console.debug,
    info: console.info,
    warn: console.warn,
    error: console.error,
    child() {
      return log;
    },
  };
  const deps = await buildDeps(env, log);
  const app = createApp(deps.services);
  const server = app.listen(env.PORT, env.HOST, () => {
    console.info(`GenFlow listening on http://localhost:${env.PORT}`);
  });
  const shutdown = () => {
    server.close(() => void deps.close().then(() => process.exit(0)));
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}

void main();
