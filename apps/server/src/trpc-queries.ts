import {
  getTRPCErrorFromUnknown,
  TRPCError,
  transformTRPCResponse,
  type AnyTRPCProcedure,
  type AnyTRPCRootTypes,
  type AnyTRPCRouter,
  type TRPCErrorShape,
  type TRPCProcedureType,
  type TRPCRootConfig,
} from "@trpc/server";
import { getHTTPStatusCode } from "@trpc/server/http";
// The adapters that ship with tRPC build their answers with these; so does this path, so that both
// answer with exactly the same bytes.
import {
  getErrorShape,
  isAsyncIterable,
  isObject,
  isPromise,
} from "@trpc/server/unstable-core-do-not-import";
import type { Request, Response } from "express";

/**
 * What the fast path needs from the host: the same context and error hook as the tRPC adapter it
 * sits in front of.
 */
export interface QueryFastPathOptions<TRouter extends AnyTRPCRouter> {
  router: TRouter;
  createContext: (req: Request, res: Response) => unknown;
  onError: (opts: {
    error: TRPCError;
    path: string | undefined;
    type: TRPCProcedureType | "unknown";
    req: Request;
  }) => void;
  maxBatchSize: number;
}

/** Whether the fast path answered the request; when false, the caller hands it to the adapter. */
export type QueryFastPath = (req: Request, res: Response) => boolean;

interface Call {
  path: string;
  procedure: AnyTRPCProcedure;
  index: number;
}

type Outcome = { data: unknown; error?: undefined } | { error: TRPCError; data?: undefined };

/**
 * Answers plain GET queries — one call, or a batch of them as `httpBatchLink` sends — the way
 * tRPC's HTTP adapter does, without turning the request into a WHATWG `Request` and the answer into
 * a `Response` streamed through web streams. On a trivial query that machinery is most of the
 * cost of a call.
 *
 * It takes only what it answers byte for byte like the adapter (status, body, `Content-Type`,
 * `Vary`): GET, no streaming (`trpc-accept` / `Accept: application/jsonl`), no event stream, no
 * `connectionParams`, every path a query procedure already loaded, a batch within the limit.
 * Everything else — mutations, subscriptions, unknown paths, oversized batches — goes to the
 * adapter, which also produces every protocol error. `test/trpc-queries.test.ts` holds both paths
 * to the same answers.
 */
export function queryFastPath<TRouter extends AnyTRPCRouter>(
  options: QueryFastPathOptions<TRouter>,
): QueryFastPath {
  const { router, maxBatchSize } = options;
  const config = router._def._config as TRPCRootConfig<AnyTRPCRootTypes>;
  const procedures = router._def.procedures as Record<string, AnyTRPCProcedure | undefined>;

  return (req, res) => {
    if (req.method !== "GET") return false;
    const { headers } = req;
    if (headers["trpc-accept"] !== undefined) return false;
    const accept = headers.accept;
    if (
      accept !== undefined &&
      (accept.includes("application/jsonl") || accept.includes("text/event-stream"))
    ) {
      return false;
    }

    // req.url is relative to the mount point: "/system.info?input=…".
    const url = req.url;
    if (url.includes("#")) return false;
    const queryAt = url.indexOf("?");
    const pathname = queryAt === -1 ? url : url.slice(0, queryAt);
    const params = new URLSearchParams(queryAt === -1 ? "" : url.slice(queryAt + 1));
    if (params.has("connectionParams")) return false;
    const batch = params.get("batch") === "1";

    let joined: string;
    try {
      joined = decodeURIComponent(pathname.slice(pathname.lastIndexOf("/") + 1));
    } catch {
      return false;
    }
    const paths = batch ? joined.split(",") : [joined];
    if (batch && paths.length > maxBatchSize) return false;
    const calls: Call[] = [];
    for (const [index, path] of paths.entries()) {
      const procedure = Object.hasOwn(procedures, path) ? procedures[path] : undefined;
      if (procedure?._def.type !== "query") return false;
      calls.push({ path, procedure, index });
    }

    void answer(req, res, calls, batch, params.get("input"));
    return true;
  };

  async function answer(
    req: Request,
    res: Response,
    calls: Call[],
    batch: boolean,
    rawInput: string | null,
  ): Promise<void> {
    const inputs = lazyInputs(rawInput, batch ? calls.length : undefined);
    let ctx: unknown;
    let ctxError: TRPCError | undefined;
    try {
      ctx = await options.createContext(req, res);
    } catch (cause) {
      ctxError = getTRPCErrorFromUnknown(cause);
    }

    // The signal a procedure gets fires when the client goes away before its answer.
    const abort = new AbortController();
    const onClose = () => {
      if (!res.writableEnded) abort.abort();
    };
    res.once("close", onClose);

    const fail = (call: Call, cause: unknown): Outcome => {
      const error = getTRPCErrorFromUnknown(cause);
      options.onError({ error, path: call.path, type: "query", req });
      return { error };
    };
    const run = async (call: Call): Promise<Outcome> => {
      try {
        if (ctxError) throw ctxError;
        const data: unknown = await call.procedure({
          path: call.path,
          getRawInput: () => inputs.read(call.index),
          ctx,
          type: "query",
          signal: abort.signal,
          batchIndex: call.index,
        });
        return { data };
      } catch (cause) {
        return fail(call, cause);
      }
    };

    try {
      const outcomes =
        calls.length === 1 && calls[0] ? [await run(calls[0])] : await Promise.all(calls.map(run));
      const responses = outcomes.map((outcome, index) => {
        const call = calls[index] as Call;
        let error = outcome.error;
        if (!error && isDataStream(outcome.data)) {
          const streamError = new TRPCError({
            code: "UNSUPPORTED_MEDIA_TYPE",
            message:
              "Cannot use stream-like response in non-streaming request - use httpBatchStreamLink",
          });
          // A single call reports this as a request error (no path), a batch per call.
          if (!batch) throw streamError;
          error = streamError;
        }
        return error
          ? {
              error: errorShape({
                config,
                ctx,
                error,
                input: inputs.result(call.index),
                path: call.path,
                type: "query",
              }),
            }
          : { result: { data: outcome.data } };
      });
      const body = batch ? responses : responses[0];
      send(
        res,
        getHTTPStatusCode(responses),
        JSON.stringify(transformTRPCResponse(config, body as never)),
      );
    } catch (cause) {
      // What the adapter answers when serialising the result (or the error shape) fails.
      const error = getTRPCErrorFromUnknown(cause);
      options.onError({ error, path: undefined, type: "query", req });
      const shape = {
        error: errorShape({
          config,
          ctx,
          error,
          input: undefined,
          path: undefined,
          type: "query",
        }),
      };
      send(res, getHTTPStatusCode(shape), JSON.stringify(transformTRPCResponse(config, shape)));
    } finally {
      res.off("close", onClose);
    }
  }

  /** The calls' inputs, parsed on first use as the adapter does (a bad one fails its calls with BAD_REQUEST). */
  function lazyInputs(raw: string | null, batchSize: number | undefined) {
    let parsed: Record<number, unknown> | undefined;
    let failure: TRPCError | undefined;
    const parse = (): Record<number, unknown> => {
      const result: Record<number, unknown> = Object.create(null) as Record<number, unknown>;
      if (!raw) return result;
      const value: unknown = JSON.parse(raw);
      if (value === undefined) return result;
      if (batchSize === undefined) {
        result[0] = config.transformer.input.deserialize(value);
        return result;
      }
      if (!isObject(value)) {
        throw new TRPCError({
          code: "BAD_REQUEST",
          message: '"input" needs to be an object when doing a batch call',
        });
      }
      for (let index = 0; index < batchSize; index += 1) {
        const input = value[index];
        if (input !== undefined) result[index] = config.transformer.input.deserialize(input);
      }
      return result;
    };
    return {
      read(index: number): Promise<unknown> {
        if (!parsed && !failure) {
          try {
            parsed = parse();
          } catch (cause) {
            failure =
              cause instanceof TRPCError
                ? cause
                : new TRPCError({
                    code: "BAD_REQUEST",
                    message: cause instanceof Error ? cause.message : "Invalid input",
                    cause,
                  });
          }
        }
        return failure ? Promise.reject(failure) : Promise.resolve(parsed?.[index]);
      },
      result: (index: number): unknown => parsed?.[index],
    };
  }
}

/** tRPC's error shape, through the router's error formatter. */
function errorShape(opts: Parameters<typeof getErrorShape>[0]): TRPCErrorShape {
  return getErrorShape(opts) as TRPCErrorShape;
}

function send(res: Response, status: number, body: string): void {
  // A status a procedure set itself stands, as with the adapter.
  if (res.statusCode === 200) res.statusCode = status;
  res.setHeader("Vary", "trpc-accept, accept");
  res.setHeader("Content-Type", "application/json");
  res.end(body);
}

/** A value the non-streaming protocol cannot carry: an async iterable, or an object holding promises or iterables. */
function isDataStream(value: unknown): boolean {
  if (!isObject(value)) return false;
  if (isAsyncIterable(value)) return true;
  const items = Object.values(value);
  return items.some(isPromise) || items.some(isAsyncIterable);
}
