import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import type { ComponentHealth, HealthCheck } from "@genflow/core/ports";

/** How long one component may take to answer before it counts as down. */
const CHECK_TIMEOUT_MS = 2_000;

async function runCheck(check: HealthCheck): Promise<ComponentHealth> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ComponentHealth>((resolve) => {
    timer = setTimeout(
      () => resolve({ ok: false, detail: `no answer within ${CHECK_TIMEOUT_MS} ms` }),
      CHECK_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([
      check.check().catch((): ComponentHealth => ({ ok: false, detail: "check failed" })),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

/**
 * A tiny HTTP listener for orchestrators: `/healthz` answers while the process is alive (no
 * I/O); `/readyz` is 200 when the database and Redis answer, 503 otherwise or while draining.
 */
export async function startHealthServer(options: {
  port: number;
  host: string;
  checks: readonly HealthCheck[];
  draining: () => boolean;
}): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    res.setHeader("Cache-Control", "no-store");
    res.setHeader("Content-Type", "application/json");
    if (req.url === "/healthz") {
      res.end(JSON.stringify({ status: "ok" }));
      return;
    }
    if (req.url === "/readyz") {
      void (async () => {
        const components: Record<string, ComponentHealth> = {};
        let ok = !options.draining();
        for (const check of options.checks) {
          const result = await runCheck(check);
          components[check.name] = result;
          if (!result.ok && check.required) ok = false;
        }
        res.statusCode = ok ? 200 : 503;
        res.end(JSON.stringify({ status: ok ? "ok" : "unavailable", components }));
      })();
      return;
    }
    res.statusCode = 404;
    res.end(JSON.stringify({ error: "not found" }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
