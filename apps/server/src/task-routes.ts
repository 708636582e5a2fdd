import type { ApiServices } from "@genflow/api";
import { readTaskFile } from "@genflow/core/tasks";
import { Router } from "express";

import { restCaller } from "./rest-caller";

/** Types a browser may show inline; everything else is downloaded. */
const INLINE_TYPES = new Set(["image/png", "image/jpeg", "image/webp", "image/avif"]);

/** An ASCII fallback and the UTF-8 name, as RFC 6266 asks. */
function contentDisposition(kind: "inline" | "attachment", name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/**
 * The files tasks make (a zip of cards, generated images), served to the task's owner:
 * `GET /tasks/<id>/files/<name>`; `?download=1` asks for an attachment even for images.
 */
export function taskRoutes({ services }: { services: ApiServices }): Router {
  const router = Router();
  const caller = restCaller(services);

  router.get("/tasks/:id/files/:name", async (req, res) => {
    const principal = await caller.signedIn(req, res, { changes: false });
    await caller.limit(req, res, "images", principal);
    const file = await readTaskFile(services, {
      userId: principal.user.id,
      input: { taskId: req.params.id, name: req.params.name },
    });
    const inline = INLINE_TYPES.has(file.contentType) && req.query["download"] === undefined;
    res.setHeader("Content-Type", file.contentType);
    res.setHeader("Content-Length", String(file.bytes.byteLength));
    res.setHeader(
      "Content-Disposition",
      contentDisposition(inline ? "inline" : "attachment", file.name),
    );
    res.setHeader("Cache-Control", "private, no-cache");
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Cross-Origin-Resource-Policy", "same-origin");
    res.end(file.bytes);
  });

  return router;
}
