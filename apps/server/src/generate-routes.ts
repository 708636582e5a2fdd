import {
  assertTrustedOrigin,
  createContext,
  enforceRateLimit,
  type ApiServices,
  type Principal,
} from "@genflow/api";
import { DomainError } from "@genflow/core/errors";
import {
  CARD_FILE_EXT,
  CARD_MAX_OUTPUT_PIXELS,
  CardDesignInput,
  CreateCardInput,
  ImageFormat,
  planCard,
  readCardImage,
  createCard,
  resolveSize,
  type CardImage,
  type CreatedCard,
} from "@genflow/core/generate";
import { Router, type Request, type Response } from "express";
import { LRUCache } from "lru-cache";
import { z } from "zod";

import { headersOf } from "./request-headers";
import { requestIdOf } from "./request-id";

/** Public card images kept in memory for repeat reads (they never change under their key). */
const HOT_IMAGE_BYTES = 64 * 1024 * 1024;
/** How long a public image is served from memory before its visibility is checked again. */
const HOT_IMAGE_TTL_MS = 60_000;

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

function etagMatches(req: Request, etag: string): boolean {
  const header = req.headers["if-none-match"];
  if (!header) return false;
  return header === "*" || header.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
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
  const hot = new LRUCache<string, CardImage>({
    maxSize: HOT_IMAGE_BYTES,
    sizeCalculation: (image) => Math.max(1, image.bytes.byteLength),
    ttl: HOT_IMAGE_TTL_MS,
  });

  const principalOf = (req: Request): Promise<Principal | null> =>
    services.authenticate(headersOf(req.headers));

  /** Counts the request against `policy` for the caller (or the address); 429 past it. */
  function limit(req: Request, res: Response, policy: string, principal: Principal | null) {
    const key = principal ? `user:${principal.user.id}` : `ip:${req.ip ?? "unknown"}`;
    return enforceRateLimit(
      { services, appendResponseHeader: (name, value) => res.setHeader(name, value) },
      policy,
      key,
    );
  }

  /**
   * The caller of a state-changing route: signed in, and, when by session cookie, calling from a
   * trusted origin (the same cross-site request check as tRPC mutations).
   */
  async function signedIn(req: Request, res: Response): Promise<Principal> {
    const ctx = createContext(services, {
      requestId: requestIdOf(req),
      ip: req.ip ?? "unknown",
      headers: headersOf(req.headers),
      appendResponseHeader: (name, value) => res.appendHeader(name, value),
    });
    const principal = await ctx.principal();
    if (!principal) {
      throw new DomainError("UNAUTHORIZED", "Sign in or provide an API key");
    }
    await assertTrustedOrigin(ctx);
    await limit(req, res, "generate", principal);
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

  async function sendCard(req: Request, res: Response, card: CreatedCard, viewerUserId: string) {
    const ext = CARD_FILE_EXT[card.format];
    const image = await readCardImage(deps, { key: card.key, ext, viewerUserId });
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
    const input = parse(CreateCardInput, req.body, "The card request is not valid");
    // The content address is known before anything is drawn: a client holding it gets a 304.
    const planned = planCard(input);
    if (etagMatches(req, planned.etag)) {
      res.setHeader("ETag", planned.etag);
      res.status(304).end();
      return;
    }
    const card = await createCard(deps, {
      userId: principal.user.id,
      input,
      signal: abandonOnClose(req, res),
    });
    await sendCard(req, res, card, principal.user.id);
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
    await sendCard(req, res, card, principal.user.id);
  });

  router.get("/images/:name", async (req, res) => {
    const name = req.params.name;
    let image = hot.get(name);
    if (image) {
      await limit(req, res, "images", null);
    } else {
      // Counted before the lookup, so unknown or private keys cannot be probed without limit.
      const principal = await principalOf(req);
      await limit(req, res, "images", principal);
      const match = IMAGE_NAME.exec(name);
      if (!match?.[1] || !match[2]) throw new DomainError("NOT_FOUND", "Card image not found");
      image = await readCardImage(deps, {
        key: match[1],
        ext: match[2],
        viewerUserId: principal?.user.id,
      });
      if (image.visibility === "public") hot.set(name, image);
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
