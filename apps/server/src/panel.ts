import { appRouter, describeRouter, type Principal } from "@genflow/api";
import type { RequestHeaders } from "@genflow/core/auth";
import { DomainError } from "@genflow/core/errors";
import type { AnyTRPCRouter } from "@trpc/server";
import { Router } from "express";

import { headersOf } from "./request-headers";

export interface PanelRouterOptions {
  /** In production the description is admin-only; in development anyone may read it. */
  production: boolean;
  /** Resolves the caller from the request headers (session cookie or API key). */
  authenticate(headers: RequestHeaders): Promise<Principal | null>;
  /** The router to describe; the application router unless told otherwise. */
  router?: AnyTRPCRouter;
}

export const PANEL_SCHEMA_PATH = "/panel/schema.json";

/**
 * Serves `GET /panel/schema.json`: every procedure with JSON Schemas of its input and output,
 * for the panel page of the SPA. The page calls procedures over /trpc with the caller's own
 * credentials, so this route only decides who may read the description. Refusals go to the
 * app's REST error handler, which answers with the `{ error: { … } }` envelope.
 */
export function createPanelRouter(options: PanelRouterOptions): Router {
  const router = Router();
  const target = options.router ?? appRouter;
  router.get(PANEL_SCHEMA_PATH, async (req, res, next) => {
    try {
      if (options.production) {
        const principal = await options.authenticate(headersOf(req.headers));
        if (!principal)
          throw new DomainError("UNAUTHORIZED", "Sign in as an administrator to use the panel");
        if (principal.user.role !== "admin")
          throw new DomainError("FORBIDDEN", "The panel is for administrators only");
      }
      res.setHeader("Cache-Control", "no-store");
      res.json({ procedures: describeRouter(target) });
    } catch (error) {
      next(error);
    }
  });
  return router;
}
