import type { ApiServices } from "@genflow/api";
import {
  CUTOUT_MAX_BYTES,
  cutoutImage,
  cutoutOptionsFromText,
  readCutoutFile,
  type CutoutServices,
} from "@genflow/core/cutout";
import { DomainError } from "@genflow/core/errors";
import { readUpload } from "@genflow/core/uploads";
import { Router, type Request, type Response } from "express";
import multer, { MulterError } from "multer";

import { etagMatches, restCaller } from "./rest-caller";

/** A cut-out's files never change under their names (outputs are named by their options). */
const FILE_CACHE = "private, max-age=31536000, immutable";

export interface CutoutRoutesOptions {
  services: ApiServices;
}

function cutoutOf(services: ApiServices): CutoutServices {
  if (!services.cutout) {
    throw new DomainError("UNAVAILABLE", "Background removal is not set up here");
  }
  return services.cutout;
}

/** The photo and options of a multipart request: the file in `image`, JSON in `options`. */
const form = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: CUTOUT_MAX_BYTES, files: 1, fields: 4, fieldSize: 64 * 1024, parts: 6 },
}).single("image");

function readForm(req: Request, res: Response): Promise<void> {
  return new Promise((resolve, reject) => {
    form(req, res, (error: unknown) => {
      if (error === undefined || error === null) {
        resolve();
      } else if (error instanceof MulterError) {
        reject(
          error.code === "LIMIT_FILE_SIZE"
            ? new DomainError(
                "PAYLOAD_TOO_LARGE",
                `The image is larger than ${CUTOUT_MAX_BYTES / 1024 / 1024} MiB`,
                { details: { maxBytes: CUTOUT_MAX_BYTES } },
              )
            : new DomainError("VALIDATION", `The form is not valid: ${error.message}`, {
                details: { reason: error.code, field: error.field ?? null },
              }),
        );
      } else {
        reject(error instanceof Error ? error : new Error("unreadable form", { cause: error }));
      }
    });
  });
}

function parseOptions(text: unknown) {
  const parsed = cutoutOptionsFromText(text);
  if ("options" in parsed) return parsed.options;
  throw new DomainError("VALIDATION", "The cut-out options are not valid", {
    details: { fieldErrors: parsed.problems },
  });
}

/**
 * REST for background removal, for callers without the TypeScript client:
 * `POST /cutout` takes multipart form data (the photo in `image`, `CutoutOptions` as JSON text in
 * `options`) and answers the image itself, with `Server-Timing`; nothing is stored.
 * `GET /cutouts/<id>/<file>` serves a stored cut-out's photo, mask or outputs to its owner.
 * Same sign-in, cross-site check, rate limits, size limits and error envelope as every route.
 */
export function cutoutRoutes({ services }: CutoutRoutesOptions): Router {
  const router = Router();
  const caller = restCaller(services);

  router.post("/cutout", async (req, res) => {
    const principal = await caller.signedIn(req, res, { changes: true });
    await caller.limit(req, res, "cutout", principal);
    const cutout = cutoutOf(services);
    if (!req.is("multipart/form-data")) {
      throw new DomainError(
        "VALIDATION",
        "Send the photo as multipart/form-data, in the field image (options as JSON in the field options)",
        { details: { contentType: req.headers["content-type"] ?? null } },
      );
    }
    await readForm(req, res);
    const body = req.body as Record<string, unknown>;
    const options = parseOptions(body["options"]);
    if (!req.file) {
      throw new DomainError("VALIDATION", "Attach the photo in the form field image", {
        details: { fieldErrors: { image: ["Required"] } },
      });
    }
    const background = options.background;
    const backgroundImage =
      background?.type === "image"
        ? (
            await readUpload(services.uploads, {
              userId: principal.user.id,
              id: background.uploadId,
            })
          ).bytes
        : undefined;
    const result = await cutoutImage(cutout, {
      bytes: req.file.buffer,
      options,
      ...(backgroundImage ? { backgroundImage } : {}),
    });
    const t = result.timings;
    res.setHeader("Content-Type", result.contentType);
    res.setHeader("Content-Length", String(result.bytes.byteLength));
    res.setHeader("Cache-Control", "no-store");
    res.setHeader("X-Cutout-Model", result.model);
    res.setHeader(
      "Server-Timing",
      [
        `decode;dur=${t.decodeMs.toFixed(1)}`,
        `infer;dur=${t.inferMs.toFixed(1)}`,
        `compose;dur=${t.composeMs.toFixed(1)}`,
        `total;dur=${t.totalMs.toFixed(1)}`,
        ...(t.loadMs === undefined ? [] : [`load;dur=${t.loadMs.toFixed(1)}`]),
      ].join(", "),
    );
    res.end(result.bytes);
  });

  router.get("/cutouts/:id/:name", async (req, res) => {
    const principal = await caller.signedIn(req, res, { changes: false });
    await caller.limit(req, res, "images", principal);
    const file = await readCutoutFile(cutoutOf(services), {
      userId: principal.user.id,
      id: req.params.id,
      name: req.params.name,
    });
    const etag = `"${file.cutout.id}-${req.params.name}"`;
    res.setHeader("Content-Type", file.contentType);
    res.setHeader("ETag", etag);
    res.setHeader("Cache-Control", FILE_CACHE);
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Cross-Origin-Resource-Policy", "same-origin");
    if (etagMatches(req, etag)) {
      res.status(304).end();
      return;
    }
    const download = req.query["download"];
    if (typeof download === "string" && download !== "") {
      res.attachment(download);
    }
    res.setHeader("Content-Length", String(file.bytes.byteLength));
    res.end(file.bytes);
  });

  return router;
}
