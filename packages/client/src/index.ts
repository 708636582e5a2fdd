/**
 * The GenFlow SDK: a typed client for the GenFlow API, for services written in TypeScript.
 *
 * @example
 * ```ts
 * import { createGenflowClient, isGenflowError } from "@genflow/client";
 *
 * const client = createGenflowClient({ url: "https://genflow.example.com", apiKey });
 * const info = await client.system.info.query();
 * ```
 */
export {
  createGenflowClient,
  DEFAULT_TIMEOUT_MS,
  type GenflowClient,
  type GenflowClientOptions,
} from "./create-client";
export { isGenflowError, type ErrorEnvelope, type GenflowError } from "./errors";
export type { FetchLike, HeaderRecord, HeadersOption } from "./transport";
export type { AppRouter, RouterInputs, RouterOutputs } from "@genflow/api";
export { TRPCClientError } from "@trpc/client";
