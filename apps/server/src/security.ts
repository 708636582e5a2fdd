import cors from "cors";
import type { RequestHandler } from "express";
import helmet from "helmet";

import { REQUEST_ID_HEADER } from "./request-id";

/**
 * Security headers. The CSP lets the SPA run from this origin only: its own scripts and styles
 * (plus inline styles, which toasts and animations inject), images from itself, data: and blob:
 * URLs (generated previews), and API calls to itself.
 */
export function securityHeaders(options: { https: boolean }): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", "data:", "blob:"],
        mediaSrc: ["'self'", "data:", "blob:"],
        fontSrc: ["'self'", "data:"],
        connectSrc: ["'self'"],
        workerSrc: ["'self'", "blob:"],
        objectSrc: ["'none'"],
        frameAncestors: ["'self'"],
        formAction: ["'self'"],
        // Upgrading would break a plain-http deployment (a LAN box, docker compose on localhost).
        upgradeInsecureRequests: options.https ? [] : null,
      },
    },
    strictTransportSecurity: options.https,
    crossOriginResourcePolicy: { policy: "same-origin" },
  });
}

/**
 * CORS for the configured origins only, with credentials (session cookies). Requests from any
 * other origin get no CORS headers, so browsers refuse to expose the response.
 */
export function corsPolicy(allowedOrigins: readonly string[]): RequestHandler {
  const allowed = new Set(allowedOrigins);
  return cors({
    origin: (origin, callback) => {
      callback(null, origin !== undefined && allowed.has(origin));
    },
    credentials: true,
    exposedHeaders: [REQUEST_ID_HEADER, "Retry-After"],
    maxAge: 600,
  });
}
