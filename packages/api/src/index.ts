import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";

import type { AppRouter } from "./root";

export { appRouter, type AppRouter } from "./root";
export { createCallerFactory, enforceRateLimit } from "./trpc";
export { assertTrustedOrigin, isTrustedOrigin } from "./csrf";
export { uploadUrl, withUploadUrl } from "./router/uploads";
export {
  createContext,
  type ApiConfig,
  type ApiMetrics,
  type ApiServices,
  type AuthUser,
  type Context,
  type ContextOptions,
  type Principal,
  type RequestMeta,
} from "./context";
export {
  ERROR_MAP,
  httpStatusOf,
  domainCodeOf,
  INTERNAL_MESSAGE,
  requestIdOfError,
  type ErrorEnvelope,
} from "./errors";

export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export {
  describeRouter,
  JS_TYPE_KEYWORD,
  type JSONSchema,
  type ProcedureDescription,
  type ProcedureKind,
} from "./panel";
