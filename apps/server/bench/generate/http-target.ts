// A server for the HTTP part of bench:generate, in its own process:
//   node --import tsx bench/generate/http-target.ts <bare|genflow> <case>
// Prints one JSON line (HttpTargetReady) on stdout once it takes requests; stops on SIGTERM.
//   bare     the anchor: Express with one route, the same method and path as GenFlow's, that
//            answers with the case's PNG from memory (rendered once at start by GenFlow's own
//            pipeline, so the bytes are the same), its ETag, and 304 to a request that already
//            has that ETag;
//   genflow  GenFlow's real host as the API benchmark runs it (../genflow-target.ts: production
//            settings, a signed-up user and an API key the requests carry).
import { createHash } from "node:crypto";
import type { AddressInfo } from "node:net";

import express from "express";

import { startGenflow } from "../genflow-target";
import { CASES, composeRequest, isCaseId } from "./cases";
import { pipelineRenderer } from "./genflow-pipeline";
import { GENERATE_PATH, GENERATE_STATUS } from "./http-contract";

export interface HttpTargetReady {
  port: number;
  /** Headers every request carries (GenFlow's API key). */
  headers: Record<string, string>;
}

interface Running {
  ready: HttpTargetReady;
  close(): Promise<void>;
}

async function bare(caseId: string): Promise<Running> {
  if (!isCaseId(caseId)) throw new Error(`unknown case "${caseId}"`);
  const renderer = pipelineRenderer();
  const png = Buffer.from(await renderer.render(composeRequest(CASES[caseId])));
  await renderer.close();
  const etag = `"${createHash("sha256").update(png).digest("base64url").slice(0, 27)}"`;

  const app = express();
  app.disable("x-powered-by");
  app.post(GENERATE_PATH, express.json(), (req, res) => {
    res.set("ETag", etag);
    res.set("Cache-Control", "private, max-age=31536000, immutable");
    if (req.headers["if-none-match"] === etag) {
      res.status(304).end();
      return;
    }
    res.status(GENERATE_STATUS).type("png").send(png);
  });
  const server = await new Promise<ReturnType<typeof app.listen>>((resolve) => {
    const listening = app.listen(0, "127.0.0.1", () => resolve(listening));
  });
  return {
    ready: { port: (server.address() as AddressInfo).port, headers: {} },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function genflow(): Promise<Running> {
  const running = await startGenflow();
  return {
    ready: { port: running.ready.port, headers: running.ready.headers },
    close: () => running.close(),
  };
}

async function main() {
  const [kind, caseId = ""] = process.argv.slice(2);
  if (kind !== "bare" && kind !== "genflow")
    throw new Error("usage: http-target.ts <bare|genflow> <case>");
  const running = kind === "bare" ? await bare(caseId) : await genflow();
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error("target failed to close:", error);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  process.stdout.write(`${JSON.stringify(running.ready)}\n`);
}

main().catch((error: unknown) => {
  console.error("target failed to start:", error);
  process.exit(1);
});
