// The two anchors the API benchmark compares GenFlow against: a bare Express JSON route and the
// same trivial query on a bare tRPC Express adapter (no logging, metrics, auth or rate limiting).
import { initTRPC } from "@trpc/server";
import { createExpressMiddleware } from "@trpc/server/adapters/express";
import express from "express";
import type { AddressInfo } from "node:net";

export function bareExpress() {
  const app = express();
  app.get("/ping", (_req, res) => {
    res.json({ name: "GenFlow", ok: true });
  });
  return app;
}

export function bareTrpc() {
  const t = initTRPC.create();
  const router = t.router({
    system: t.router({ info: t.procedure.query(() => ({ name: "GenFlow", ok: true })) }),
  });
  const app = express();
  app.use("/trpc", createExpressMiddleware({ router }));
  return app;
}

export function listen(app: express.Express): Promise<number> {
  return new Promise((resolve) => {
    const server = app.listen(0, "127.0.0.1", () =>
      resolve((server.address() as AddressInfo).port),
    );
  });
}
