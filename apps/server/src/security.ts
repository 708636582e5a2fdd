import cors from "cors";
import type { RequestHandler } from "express";
import helmet from "helmet";

import { REQUEST_ID_HEADER } from "./request-id";

/**
 * Security headers for pages, assets, probes and everything else that is not the API. The CSP lets the SPA run from this origin only: its own scripts and styles
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
 * Security headers for API responses (JSON and event streams), which no browser renders as a page:
 * the OWASP REST set instead of the document set above. Never sniffed as another type, never
 * framed or read cross-origin, never stored by a shared cache, HSTS behind https. Computed once and
 * set as they are on every response.
 */
export function apiSecurityHeaders(options: { https: boolean }): RequestHandler {
  const headers: [string, string][] = [
    ["Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"],
    ["Cross-Origin-Resource-Policy", "same-origin"],
    ["X-Content-Type-Options", "nosniff"],
    ["Cache-Control", "no-store"],
  ];
  if (options.https)
    headers.push(["Strict-Transport-Security", "max-age=31536000; includeSubDomains"]);
  return (_req, res, next) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}

/**
 * CORS for the configured origins only, with credentials (session cookies). Requests from any
 * other origin get no CORS headers, so browsers refuse to expose the response.
 */
export function corsPolicy(allowedOrigins: readonly string[]): RequestHandler {
  const allowed = new Set(allowedOrigins);
  const policy = cors({
    origin: (origin, callback) => {
      callback(null, origin !== undefined && allowed.has(origin));
    },
    credentials: true,
    exposedHeaders: [REQUEST_ID_HEADER, "Retry-After"],
    maxAge: 600,
  });
  // Same-origin and server-to-server requests carry no Origin and get no CORS headers anyway.
  return (req, res, next) => {
    if (req.headers.origin === undefined) next();
    else policy(req, res, next);
  };
}
