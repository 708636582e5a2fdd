import { ServerResponse, type IncomingMessage, type Server } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";

import {
  appRouter,
  createContext,
  domainCodeOf,
  isTrustedOrigin,
  requestIdOfError,
  type ApiServices,
  type ErrorEnvelope,
} from "@genflow/api";
import { applyWSSHandler } from "@trpc/server/adapters/ws";
import type { Logger } from "pino";
import proxyaddr from "proxy-addr";
import { WebSocketServer } from "ws";

import { headersOf } from "./request-headers";
import { acceptRequestId, REQUEST_ID_HEADER } from "./request-id";

/** Where the API takes WebSocket connections: the same path as its HTTP endpoint. */
export const TRPC_WS_PATH = "/trpc";

/**
 * A connection reuses the caller it resolved for this long; its next call after that resolves it
 * again (one cache read), so a sign-out or a revoked API key takes effect on an open socket.
 */
const PRINCIPAL_MAX_AGE_MS = 1_000;

export interface TrpcWebSocketOptions {
  services: ApiServices;
  log: Logger;
  /** Largest message accepted, in bytes (the same limit as a request body). */
  maxPayload: number;
  /** Counts every error by domain code. */
  onErrorCode: (code: string) => void;
  /** Whether the host is shutting down: new connections are refused. */
  draining: () => boolean;
  /**
   * Which addresses are trusted proxies (Express's compiled `trust proxy`), so the client's
   * address comes from `X-Forwarded-For` as it does for HTTP requests (`req.ip`).
   */
  trustProxy: (address: string, hop: number) => boolean;
}

export interface TrpcWebSocket {
  /** Open connections. */
  size(): number;
  /** Tells every client to reconnect (to another process) and closes the connections. */
  close(): Promise<void>;
}

/**
 * The API over WebSocket at `/trpc` (tRPC's WebSocket protocol): every call and subscription of a
 * client shares one connection, so a service streaming many replies at once opens one connection
 * instead of one per stream. The caller is resolved from the upgrade request's cookie or
 * `Authorization` header, or from an `authorization` connection parameter; a browser's upgrade
 * from an untrusted origin is refused, as its cookies would otherwise authenticate a foreign page.
 */
export function attachTrpcWebSocket(server: Server, options: TrpcWebSocketOptions): TrpcWebSocket {
  const { services, log } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload });

  const refuse = (socket: Duplex, status: number, reason: string) => {
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  };
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => socket.destroy());
    if (req.headers.upgrade?.toLowerCase() !== "websocket") {
      return answerWithoutUpgrade(server, req, socket, head);
    }
    const path = (req.url ?? "").split("?", 1)[0];
    if (path !== TRPC_WS_PATH) return refuse(socket, 404, "Not Found");
    if (options.draining()) return refuse(socket, 503, "Service Unavailable");
    const origin = req.headers.origin;
    if (
      origin &&
      origin !== "null" &&
      !isTrustedOrigin(origin, req.headers.host ?? null, services.config.trustedOrigins)
    ) {
      return refuse(socket, 403, "Forbidden");
    }
    req.id = acceptRequestId(req.headers[REQUEST_ID_HEADER.toLowerCase()]);
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
  });

  const handler = applyWSSHandler({
    wss,
    router: appRouter,
    createContext: ({ req, info }) => {
      const upgrade = headersOf(req.headers);
      const param = info.connectionParams?.["authorization"];
      const authorization = typeof param === "string" ? param : null;
      const connectionId = req.id ?? acceptRequestId(undefined);
      let calls = 0;
      return createContext(
        services,
        {
          requestId: connectionId,
          // Each call over the socket is known as `<connection id>.<n>`.
          nameCall: () => `${connectionId}.${(calls += 1)}`,
          ip: proxyaddr(req, options.trustProxy) || "unknown",
          headers: authorization
            ? {
                get: (name) =>
                  name.toLowerCase() === "authorization" ? authorization : upgrade.get(name),
                has: (name) => name.toLowerCase() === "authorization" || upgrade.has(name),
              }
            : upgrade,
          // There is no HTTP response to a call over the socket: nothing to set (sign-in over a
          // socket sets no cookie; the SDK sends `auth.*` calls over HTTP).
          appendResponseHeader: () => undefined,
        },
        { principalMaxAgeMs: PRINCIPAL_MAX_AGE_MS },
      );
    },
    onError: ({ error, path, type, req }) => {
      const code = domainCodeOf(error);
      options.onErrorCode(code);
      const requestId = requestIdOfError(error, req.id ?? "unknown");
      const fields = { requestId, path, type, code, transport: "websocket" };
      if (code === "INTERNAL")
        log.error({ ...fields, err: error.cause ?? error }, "procedure failed");
      else log.debug({ ...fields, reason: error.message }, "procedure rejected");
    },
    // Idle connections are pinged, as event streams are, so proxies keep them open.
    keepAlive: { enabled: true, pingMs: 15_000, pongWaitMs: 10_000 },
  });

  return {
    size: () => wss.clients.size,
    close: async () => {
      if (wss.clients.size > 0) {
        handler.broadcastReconnectNotification();
        for (const client of wss.clients) client.close(1012, "server restarting");
      }
      // Clients answer the close within a moment; the rest are cut off.
      const closed = new Promise<void>((resolve) => wss.close(() => resolve()));
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, 2_000).unref());
      await Promise.race([closed, timeout]);
      for (const client of wss.clients) client.terminate();
    },
  };
}

/**
 * A request that offers another protocol than WebSocket (`Upgrade: h2c`, as `curl --http2` sends
 * over plain HTTP) is answered as an ordinary request, as it would be without a WebSocket server:
 * the offer is optional. Node hands every request with an `Upgrade` header to the upgrade
 * listener, without its HTTP parser, so the response closes the connection; a body cannot be
 * read there, and such a request gets 400 with the error envelope instead.
 */
function answerWithoutUpgrade(
  server: Server,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): void {
  const hasBody =
    req.headers["transfer-encoding"] !== undefined ||
    Number(req.headers["content-length"] ?? "0") > 0 ||
    head.length > 0;
  const res = new ServerResponse(req);
  res.shouldKeepAlive = false;
  res.assignSocket(socket as Socket);
  res.once("finish", () => {
    res.detachSocket(socket as Socket);
    socket.end();
  });
  if (!hasBody) {
    req.push(null);
    server.emit("request", req, res);
    return;
  }
  const requestId = acceptRequestId(req.headers[REQUEST_ID_HEADER.toLowerCase()]);
  const error: ErrorEnvelope = {
    code: "VALIDATION",
    message:
      "A request with a body cannot offer to upgrade the connection; send it without Upgrade",
    details: null,
    requestId,
  };
  const body = JSON.stringify({ error });
  res.writeHead(400, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    [REQUEST_ID_HEADER]: requestId,
  });
  res.end(body);
}
