import { type ApiServices, type Principal } from "@genflow/api";
import { DomainError } from "@genflow/core/errors";
import {
  CARD_FILE_EXT,
  CARD_MAX_OUTPUT_PIXELS,
  CardDesignInput,
  ImageFormat,
  planUserCard,
  readCardImage,
  createCard,
  createdCardImage,
  resolveSize,
  type CreatedCard,
} from "@genflow/core/generate";
import { Router, type Request, type Response } from "express";
import { z } from "zod";

import { etagMatches, restCaller } from "./rest-caller";

const IMAGE_NAME = /^([0-9a-f]{64})\.(png|webp|jpg|avif|svg|thumb\.webp)$/;

const PUBLIC_CACHE = "public, max-age=31536000, immutable";
const PRIVATE_CACHE = "private, no-store";
/** SVG cards inline their emoji and images as data URLs and need nothing else, ever. */
const SVG_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";

export const ExportCardInput = z
  .object({
    card: CardDesignInput,
    format: ImageFormat.default("png"),
    /**
     * Output width in pixels, from the card's width up to three times it; the height follows
     * the card's aspect ratio. Or give `scale` (1–3).
     */
    width: z.int().min(200).max(7200).optional(),
    scale: z.number().min(1).max(3).optional(),
    quality: z.int().min(1).max(100).optional(),
    /** The download's file name, without extension. */
    filename: z.string().trim().min(1).max(120).optional(),
  })
  .refine((input) => input.width === undefined || input.scale === undefined, {
    message: "Give either width or scale, not both",
    path: ["width"],
  });

function parse<S extends z.ZodType>(schema: S, value: unknown, message: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new DomainError("VALIDATION", message, { details: { ...z.flattenError(result.error) } });
}

function imageHeaders(res: Response, image: { mime: string; etag: string; visibility: string }) {
  const isPublic = image.visibility === "public";
  res.setHeader("Content-Type", image.mime);
  res.setHeader("ETag", image.etag);
  res.setHeader("Cache-Control", isPublic ? PUBLIC_CACHE : PRIVATE_CACHE);
  // Public cards are meant to be embedded by other sites.
  res.setHeader("Cross-Origin-Resource-Policy", isPublic ? "cross-origin" : "same-origin");
  if (image.mime === "image/svg+xml") res.setHeader("Content-Security-Policy", SVG_POLICY);
}

/**
 * A download name: never a path, never hidden, no control or formatting characters (bidi
 * overrides could disguise the extension); the extension is added by the caller.
 */
export function safeFilename(name: string): string {
  const cleaned = name
    .normalize("NFC")
    .replace(/[\p{Cc}\p{Cf}/\\:*?"<>|]+/gu, " ")
    .replace(/\.{2,}/g, ".")
    .replace(/\s+/g, " ")
    .replace(/^[.\s]+|[.\s]+$/g, "");
  return cleaned === "" ? "card" : cleaned;
}

export interface GenerateRoutesOptions {
  services: ApiServices;
}

/**
 * REST for callers that do not speak tRPC: `POST /generate` (the image bytes, with ETag and 304),
 * `POST /export` (a download), and `GET /images/<key>.<ext>` (the URL cards are shared under).
 * Same validation, limits and error envelope as the tRPC procedures.
 */
export function generateRoutes({ services }: GenerateRoutesOptions): Router {
  const router = Router();
  const deps = services.generate;

  const caller = restCaller(services);
  /** A card-making caller: signed in, from a trusted origin, within the generate limit. */
  async function signedIn(req: Request, res: Response): Promise<Principal> {
    const principal = await caller.signedIn(req, res, { changes: true });
    await caller.limit(req, res, "generate", principal);
    return principal;
  }

  /** Aborts the render when the client goes away before the response. */
  function abandonOnClose(req: Request, res: Response): AbortSignal {
    const controller = new AbortController();
    res.once("close", () => {
      if (!res.writableFinished) controller.abort();
    });
    return controller.signal;
  }

  async function sendCard(res: Response, card: CreatedCard) {
    const ext = CARD_FILE_EXT[card.format];
    const image = await createdCardImage(deps, card);
    imageHeaders(res, image);
    res.setHeader("Content-Location", `${services.config.publicUrl}/api/images/${card.key}.${ext}`);
    res.setHeader("X-Card-Id", card.id);
    res.setHeader("X-Card-Cached", String(card.cached));
    if (card.warnings.length > 0) {
      // JSON with non-ASCII escaped, so the header stays valid for any text.
      res.setHeader(
        "X-Card-Warnings",
        JSON.stringify(card.warnings).replace(
          /[\u007f-\uffff]/g,
          (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
        ),
      );
    }
    res.status(201).end(image.bytes);
  }

  router.post("/generate", async (req, res) => {
    const principal = await signedIn(req, res);
    // The content address is known before anything is drawn: a client holding it gets a 304.
    const plan = await planUserCard(deps, principal.user.id, req.body);
    if (etagMatches(req, plan.etag)) {
      res.setHeader("ETag", plan.etag);
      res.status(304).end();
      return;
    }
    const card = await createCard(deps, {
      userId: principal.user.id,
      plan,
      signal: abandonOnClose(req, res),
    });
    await sendCard(res, card);
  });

  router.post("/export", async (req, res) => {
    const principal = await signedIn(req, res);
    const input = parse(ExportCardInput, req.body, "The export request is not valid");
    const { width, height } = resolveSize(input.card.size ?? { preset: "og" });
    const widthError = (message: string) =>
      new DomainError("VALIDATION", "The export request is not valid", {
        details: { fieldErrors: { width: [message] }, formErrors: [] },
      });
    if (input.width !== undefined) {
      if (input.width < width || input.width > width * 3) {
        throw widthError(`For this card, give a width from ${width} to ${width * 3} pixels`);
      }
      const pixels = input.width * Math.round((height * input.width) / width);
      if (input.format !== "svg" && pixels > CARD_MAX_OUTPUT_PIXELS) {
        throw widthError(
          `At this width the image would have ${pixels.toLocaleString("en")} pixels; the most is ${CARD_MAX_OUTPUT_PIXELS.toLocaleString("en")}`,
        );
      }
    }
    const scale = input.width !== undefined ? input.width / width : (input.scale ?? 1);
    const card = await createCard(deps, {
      userId: principal.user.id,
      input: { ...input.card, format: input.format, scale, quality: input.quality },
      signal: abandonOnClose(req, res),
    });
    const ext = CARD_FILE_EXT[card.format];
    const name = `${safeFilename(input.filename ?? input.card.templateId)}.${ext}`;
    res.attachment(name);
    await sendCard(res, card);
  });

  router.get("/images/:name", async (req, res) => {
    const name = req.params.name;
    let image = deps.recent?.publicImage(name);
    if (image) {
      await caller.limit(req, res, "images", null);
    } else {
      // Counted before the lookup, so unknown or private keys cannot be probed without limit.
      const principal = await caller.principal(req);
      await caller.limit(req, res, "images", principal);
      const match = IMAGE_NAME.exec(name);
      if (!match?.[1] || !match[2]) throw new DomainError("NOT_FOUND", "Card image not found");
      image = await readCardImage(deps, {
        key: match[1],
        ext: match[2],
        viewerUserId: principal?.user.id,
      });
      deps.recent?.rememberPublicImage(name, image);
    }
    imageHeaders(res, image);
    if (etagMatches(req, image.etag)) {
      res.status(304).end();
      return;
    }
    res.setHeader("Content-Length", String(image.bytes.byteLength));
    res.end(image.bytes);
  });

  return router;
}
