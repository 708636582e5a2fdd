// GenFlow's real host, configured as in production, with one user and one API key to call it with.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer as createHttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

import { pino } from "pino";
import superjson from "superjson";

import { loadEnv } from "../src/env";
import { createServer } from "../src/server";
import { bareTrpc, listen } from "./bare-targets";
import { composeApp, type HostLayer } from "./compose";
import type { TargetReady } from "./protocol";

/** The server's public origin; mutations from a browser session must come from it. */
const ORIGIN = "http://localhost:3000";

export interface RunningGenflow {
  ready: TargetReady;
  close(): Promise<void>;
}

/** Variants for measuring what single layers cost (`bench:api --layers`). */
export interface GenflowVariant {
  /** Serve the load from a pipeline rebuilt without these host layers (see compose.ts). */
  without?: HostLayer[] | undefined;
  /** Send the load without the API key: no authentication, rate limit keyed on the address. */
  anonymous?: boolean | undefined;
  /**
   * Send the load to the bare tRPC anchor served from inside this process, next to the running
   * GenFlow host: what the process itself (its heap, its libraries' async hooks) costs the anchor.
   */
  anchorInside?: boolean | undefined;
}

/**
 * Starts the host from `createServer(loadEnv(…))`: embedded PGlite in a fresh data folder,
 * NODE_ENV=production, `info` logs serialised to /dev/null, metrics, request ids and the rate
 * limits all on (set high enough never to reject; every request is still counted).
 * Then signs a user up and creates an API key over HTTP, the way a client would.
 */
export async function startGenflow(variant: GenflowVariant = {}): Promise<RunningGenflow> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "genflow-bench-"));
  const env = loadEnv({
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    PORT: "0",
    DATA_DIR: dataDir,
    PUBLIC_URL: ORIGIN,
    AUTH_SECRET: randomBytes(32).toString("base64url"),
    LOG_LEVEL: "info",
    RATE_LIMIT_API_PER_MINUTE: String(1_000_000_000),
    RATE_LIMIT_GENERATE_PER_MINUTE: String(1_000_000_000),
    RATE_LIMIT_IMAGES_PER_MINUTE: String(1_000_000_000),
    // The SPA is mounted after /trpc and never sees these requests; leaving it out keeps the
    // target independent of whether the web app has been built.
    SERVE_WEB: "false",
  });
  // Asynchronous writes to a real file descriptor, like the default stdout destination.
  const logDestination = pino.destination({ dest: "/dev/null", sync: false });
  const server = await createServer(env, { logDestination }).catch(async (error: unknown) => {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  });
  const listening = await server.listen(0, "127.0.0.1");

  let port = listening.port;
  let variantClose = () => Promise.resolve();
  if (variant.without) {
    // The rebuilt pipeline also serves the sign-up, so it has seen the same traffic as the real app.
    const composed = createHttpServer(composeApp(server, env, new Set(variant.without)));
    await new Promise<void>((resolve) => composed.listen(0, "127.0.0.1", resolve));
    port = (composed.address() as AddressInfo).port;
    variantClose = () =>
      new Promise<void>((resolve) => {
        composed.close(() => resolve());
        composed.closeAllConnections();
      });
  }
  const url = `http://127.0.0.1:${port}`;

  const close = async () => {
    await variantClose();
    await listening.close();
    logDestination.flushSync();
    await rm(dataDir, { recursive: true, force: true });
  };

  try {
    const email = `bench-${randomBytes(4).toString("hex")}@example.com`;
    const signedUp = await mutate(url, "auth.signUp", {
      email,
      password: randomBytes(12).toString("base64url"),
      name: "Benchmark",
    });
    const cookie = signedUp.headers
      .getSetCookie()
      .map((setCookie) => setCookie.split(";", 1)[0])
      .join("; ");
    if (!cookie) throw new Error("sign-up set no session cookie");

    const created = await mutate(url, "auth.apiKeys.create", { name: "benchmark" }, { cookie });
    const { key } = created.data as { key?: unknown };
    if (typeof key !== "string") throw new Error("auth.apiKeys.create returned no key");

    if (variant.anchorInside) {
      const anchorPort = await listen(bareTrpc());
      return {
        ready: { kind: "trpc", port: anchorPort, path: "/trpc/system.info", headers: {} },
        close,
      };
    }
    if (variant.anonymous) {
      return {
        ready: { kind: "genflow", port, path: "/trpc/system.info", headers: {}, anonymous: true },
        close,
      };
    }
    return {
      ready: {
        kind: "genflow",
        port,
        path: "/trpc/system.info",
        headers: { authorization: `Bearer ${key}` },
        user: { email },
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** A tRPC mutation over HTTP from the trusted origin; fails on anything but 200. */
async function mutate(
  url: string,
  procedure: string,
  input: unknown,
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${url}/trpc/${procedure}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: ORIGIN, ...headers },
    body: JSON.stringify(superjson.serialize(input)),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${procedure} answered ${response.status}: ${text}`);
  const body = JSON.parse(text) as {
    result: { data: Parameters<typeof superjson.deserialize>[0] };
  };
  return { headers: response.headers, data: superjson.deserialize<unknown>(body.result.data) };
}
