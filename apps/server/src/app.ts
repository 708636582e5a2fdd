import { randomUUID } from "node:crypto";

import { appRouter, createContext, type ApiServices } from "@genflow/api";
import { createExpressMiddleware } from "@trpc/server/adapters/express";
import express from "express";

function toHeaders(raw: express.Request["headers"]): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  return headers;
}

export function createApp(services: ApiServices) {
  const app = express();
  app.disable("x-powered-by");
  app.get("/healthz", (_req, res) => {
    res.json({ ok: true });
  });
  app.use(
    "/trpc",
    createExpressMiddleware({
      router: appRouter,
      maxBodySize: 1_048_576,
      createContext: ({ req, res }) => {
        const requestId = req.header("x-request-id") ?? randomUUID();
        res.setHeader("x-request-id", requestId);
        return createContext(services, {
          requestId,
          ip: req.ip ?? "unknown",
          headers: toHeaders(req.headers),
          appendResponseHeader: (name, value) => res.appendHeader(name, value),
        });
      },
    }),
  );
  return app;
}
