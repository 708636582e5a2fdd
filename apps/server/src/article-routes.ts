import type { ApiServices } from "@genflow/api";
import { readArticleCover } from "@genflow/core/articles";
import { Router } from "express";

import { restCaller } from "./rest-caller";

export interface ArticleRoutesOptions {
  services: ApiServices;
}

/**
 * `GET /articles/<id>/cover/<coverId>`: an article's cover picture, to whoever may read the copy
 * of the article that shows it (anyone, for a public article). A cover id names one picture
 * forever, so the answer never changes.
 */
export function articleRoutes({ services }: ArticleRoutesOptions): Router {
  const router = Router();
  const caller = restCaller(services);

  router.get("/articles/:id/cover/:coverId", async (req, res) => {
    const principal = await caller.principal(req);
    await caller.limit(req, res, "images", principal);
    const cover = await readArticleCover(
      {
        db: services.db,
        log: services.log,
        uploadBlobs: services.uploads.blobs,
        cardBlobs: services.generate.blobs,
      },
      { actor: principal?.user ?? null, articleId: req.params.id, coverId: req.params.coverId },
    );
    res.setHeader("Content-Type", cover.contentType);
    res.setHeader("Content-Length", String(cover.bytes.byteLength));
    // Readable by whoever may read the article, which can change: private, and checked each time.
    res.setHeader("Cache-Control", "private, no-cache");
    res.setHeader("X-Content-Type-Options", "nosniff");
    // A card may be SVG: shown as a picture, never run as a document.
    res.setHeader(
      "Content-Security-Policy",
      "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    );
    res.end(cover.bytes);
  });

  return router;
}
