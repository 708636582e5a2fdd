import type { CoreDeps } from "@genflow/core";
import type { Auth, RequestHeaders } from "@genflow/core/auth";
import type { AiChatServices } from "@genflow/core/ai-chat";
import type { CutoutServices } from "@genflow/core/cutout";
import type { GenerateDeps } from "@genflow/core/generate";
import type { TasksConfig } from "@genflow/core/tasks";
import type { UploadDeps } from "@genflow/core/uploads";

/** Who is calling. Ownership always comes from here, never from input. */
export interface AuthUser {
  id: string;
  email: string;
  name: string;
  role: "admin" | "user";
}

export interface Principal {
  user: AuthUser;
  via: "session" | "apiKey";
  sessionId?: string;
  apiKeyId?: string;
}

/** Counters the host exports as metrics; the API reports into them without knowing the backend. */
export interface ApiMetrics {
  procedureDone(info: { path: string; type: string; code: string; durationMs: number }): void;
  rateLimited(policy: string): void;
  subscriptionOpened(path: string): void;
  subscriptionClosed(path: string): void;
}

export interface ApiConfig {
  /** Include stack traces in error responses. */
  debug: boolean;
  /** Origins allowed to make cookie-authenticated state-changing requests. */
  trustedOrigins: string[];
  /** In production the panel is admin-only. */
  production: boolean;
  /** The server's public origin (no trailing slash), for absolute URLs such as card images. */
  publicUrl: string;
}

/** Built once by the host and shared by every request. */
export interface ApiServices extends CoreDeps {
  config: ApiConfig;
  metrics: ApiMetrics;
  /** Sign-up, sign-in, sessions and API keys (`createAuth` from `@genflow/core/auth`). */
  auth: Auth;
  /** Resolves the caller from a session cookie or `Authorization: Bearer <api key>`. */
  authenticate(headers: RequestHeaders): Promise<Principal | null>;
  /** The card pipeline: blob storage, the render pool and its metrics, over the core deps. */
  generate: GenerateDeps;
  /** Uploaded images: the blob storage their bytes live in and the upload limits. */
  uploads: UploadDeps;
  /** Durable runs: the kinds this deployment knows, the queue that gets them run, their files. */
  tasks: TasksConfig;
  /** Background removal; absent on a host that runs without it (its procedures answer UNAVAILABLE). */
  cutout?: CutoutServices | undefined;
  /** The assistant: providers, the reply runner and limits; absent on a host without it. */
  aiChat?: AiChatServices | undefined;
}

/** Plain request data; the same router runs under HTTP, tests and the panel. */
export interface RequestMeta {
  requestId: string;
  /**
   * Names each call when one request carries many over time (a WebSocket connection: its id
   * followed by `.1`, `.2`…), so each call's failure and log lines have an id of their own.
   * Unset: every call of the request is known by `requestId`.
   */
  nameCall?: (() => string) | undefined;
  ip: string;
  headers: RequestHeaders;
  /** Lets procedures set response headers (e.g. Set-Cookie) without knowing the HTTP framework. */
  appendResponseHeader(name: string, value: string): void;
}

export interface Context extends RequestMeta {
  services: ApiServices;
  /** The caller, resolved once per request on first use. */
  principal(): Promise<Principal | null>;
}

export interface ContextOptions {
  /**
   * How long the resolved caller may be reused, in ms. Unset: for the context's whole life (one
   * HTTP request). A WebSocket connection keeps one context for all its calls, so it sets this to
   * notice a sign-out or a revoked key on its next call.
   */
  principalMaxAgeMs?: number | undefined;
}

export function createContext(
  services: ApiServices,
  meta: RequestMeta,
  options: ContextOptions = {},
): Context {
  const maxAge = options.principalMaxAgeMs;
  let resolved: Promise<Principal | null> | undefined;
  let resolvedAt = 0;
  return {
    ...meta,
    services,
    principal: () => {
      if (resolved && maxAge !== undefined && performance.now() - resolvedAt > maxAge) {
        resolved = undefined;
      }
      if (!resolved) {
        resolvedAt = performance.now();
        resolved = services.authenticate(meta.headers);
      }
      return resolved;
    },
  };
}
