import type { NextFunction, Request, RequestHandler, Response } from "express";

/**
 * Several middlewares as one: each runs when the one before calls `next()`; an error (thrown,
 * rejected or passed to `next`, or `"route"`/`"router"`) skips the rest and goes to Express. On the hot path this matters: every
 * middleware Express mounts separately costs a pass through its router for every request.
 */
export function chain(...handlers: RequestHandler[]): RequestHandler {
  return (req: Request, res: Response, done: NextFunction) => {
    let index = 0;
    const next = (error?: unknown) => {
      const handler = handlers[index++];
      if (error !== undefined || !handler) {
        done(error);
        return;
      }
      try {
        const returned: unknown = handler(req, res, next);
        // As Express 5 does: a handler's rejected promise is its error.
        if (returned instanceof Promise)
          returned.catch((rejected: unknown) => done(rejected ?? new Error("Rejected promise")));
      } catch (thrown) {
        done(thrown);
      }
    };
    next();
  };
}
