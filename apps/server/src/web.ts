import { existsSync } from "node:fs";
import path from "node:path";

import express, { Router, type Response } from "express";

/** Paths the SPA never answers: API, probes and metrics keep their own 404s. */
const RESERVED_PREFIXES = ["/trpc", "/api", "/healthz", "/readyz", "/metrics"];

const STATIC_FILE =
  /\.(?:js|mjs|css|map|json|webmanifest|txt|xml|html|ico|png|jpe?g|gif|svg|webp|avif|woff2?|ttf|otf|wasm|mp3|mp4|webm|onnx)$/i;

const HASHED_ASSET_CACHE = "public, max-age=31536000, immutable";
const REVALIDATE = "no-cache";

function isReserved(urlPath: string): boolean {
  return RESERVED_PREFIXES.some((prefix) => urlPath === prefix || urlPath.startsWith(`${prefix}/`));
}

/** True when the built SPA is present in `dir`. */
export function hasWebBuild(dir: string): boolean {
  return existsSync(path.join(dir, "index.html"));
}

/**
 * Serves the built SPA: files under `assets/` carry content hashes and are cached for a year;
 * everything else (index.html first) is revalidated on every load. Any other GET that is not an
 * API, probe or metrics path and does not name a static file gets index.html, so client-side
 * routes such as `/panel` work on reload.
 */
export function webRoutes(dir: string): Router {
  const root = path.resolve(dir);
  const indexFile = path.join(root, "index.html");
  const router = Router();

  const setCacheHeaders = (res: Response, file: string) => {
    const relative = path.relative(root, file).split(path.sep).join("/");
    res.setHeader(
      "Cache-Control",
      relative.startsWith("assets/") ? HASHED_ASSET_CACHE : REVALIDATE,
    );
  };

  const staticFiles = express.static(root, {
    index: false,
    redirect: false,
    dotfiles: "ignore",
    fallthrough: true,
    cacheControl: false,
    setHeaders: setCacheHeaders,
  });
  router.use((req, res, next) => {
    if (isReserved(req.path)) {
      next();
      return;
    }
    staticFiles(req, res, next);
  });

  router.use((req, res, next) => {
    if ((req.method !== "GET" && req.method !== "HEAD") || isReserved(req.path)) {
      next();
      return;
    }
    // A missing file (e.g. an old hashed bundle) is a 404, not the app shell. Client routes may
    // contain dots (`/panel/system.info`), so only known file types count as files.
    if (req.path.startsWith("/assets/") || STATIC_FILE.test(req.path)) {
      next();
      return;
    }
    res.setHeader("Cache-Control", REVALIDATE);
    res.sendFile(indexFile, { cacheControl: false, dotfiles: "deny" }, (error?: Error) => {
      if (error) next(error);
    });
  });
  return router;
}
