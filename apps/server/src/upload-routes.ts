import { withUploadUrl, type ApiServices } from "@genflow/api";
import { DomainError } from "@genflow/core/errors";
import { createUpload, readUpload, UPLOAD_MIMES, uploadTooLarge } from "@genflow/core/uploads";
import express, { Router, type Request, type Response } from "express";

import { etagMatches, restCaller } from "./rest-caller";

/** The bytes under an upload id never change: the owner's browser may keep them for good. */
const UPLOAD_CACHE = "private, max-age=31536000, immutable";

const ACCEPTED_TYPES = new Set<string>(UPLOAD_MIMES);

/** The media type of a Content-Type header, lower-cased and without parameters. */
function mediaType(header: string | undefined): string {
  return (header ?? "").split(";", 1)[0]?.trim().toLowerCase() ?? "";
}

export interface UploadRoutesOptions {
  services: ApiServices;
}

/**
 * REST for uploaded images, which tRPC does not carry: `POST /uploads` takes an image's raw bytes
 * (PNG, JPEG or WebP; the bytes decide, not the declared type) and `GET /uploads/<id>` serves
 * them back to their owner. Listing and deleting are the `generate.uploads` procedures. Same
 * sign-in, cross-site check, rate limits and error envelope as every route.
 */
export function uploadRoutes({ services }: UploadRoutesOptions): Router {
  const router = Router();
  const deps = services.uploads;
  const maxBytes = deps.limits.maxBytes;
  const rawBody = express.raw({ type: () => true, limit: maxBytes });

  const caller = restCaller(services);

  /** The request body, read only once the caller is known; over the limit is PAYLOAD_TOO_LARGE. */
  function readBody(req: Request, res: Response): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      rawBody(req, res, (error?: unknown) => {
        if (error === undefined) {
          resolve(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));
          return;
        }
        const tooLarge = (error as { type?: unknown }).type === "entity.too.large";
        if (tooLarge) reject(uploadTooLarge(maxBytes));
        // The body parser's own errors (aborted, bad length) carry their HTTP status.
        else
          reject(error instanceof Error ? error : new Error("unreadable body", { cause: error }));
      });
    });
  }

  router.post("/uploads", async (req, res) => {
    const principal = await caller.signedIn(req, res, { changes: true });
    await caller.limit(req, res, "uploads", principal);
    const declared = mediaType(req.headers["content-type"]);
    if (!ACCEPTED_TYPES.has(declared)) {
      throw new DomainError(
        "VALIDATION",
        "Send the image's bytes as the request body, with Content-Type image/png, image/jpeg or image/webp",
        { details: { accepted: UPLOAD_MIMES, contentType: declared || null } },
      );
    }
    const bytes = await readBody(req, res);
    const fileName = typeof req.query.filename === "string" ? req.query.filename : undefined;
    const { upload, created } = await createUpload(deps, {
      userId: principal.user.id,
      bytes,
      fileName,
    });
    const answer = withUploadUrl({ services }, upload);
    res.setHeader("Location", answer.url);
    res.status(created ? 201 : 200).json(answer);
  });

  router.get("/uploads/:id", async (req, res) => {
    const principal = await caller.signedIn(req, res, { changes: false });
    await caller.limit(req, res, "images", principal);
    const { upload, bytes } = await readUpload(deps, {
      userId: principal.user.id,
      id: req.params.id,
    });
    const etag = `"${upload.sha256}"`;
    res.setHeader("Content-Type", upload.mime);
    res.setHeader("ETag", etag);
    res.setHeader("Cache-Control", UPLOAD_CACHE);
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Cross-Origin-Resource-Policy", "same-origin");
    if (etagMatches(req, etag)) {
      res.status(304).end();
      return;
    }
    res.setHeader("Content-Length", String(bytes.byteLength));
    res.end(bytes);
  });

  return router;
}
