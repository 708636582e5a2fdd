import type { NextFunction, Request, RequestHandler, Response } from "express";
import { describe, expect, it } from "vitest";

import { chain } from "../src/chain";

const req = {} as Request;
const res = {} as Response;

/** Runs a chain and resolves with what it handed to Express's `next` (undefined: carry on). */
function run(handler: RequestHandler): Promise<unknown> {
  return new Promise((resolve) => {
    void handler(req, res, ((error?: unknown) => resolve(error)) as NextFunction);
  });
}

describe("chain", () => {
  it("runs every middleware in order, then carries on", async () => {
    const seen: string[] = [];
    const step =
      (name: string): RequestHandler =>
      (_req, _res, next) => {
        seen.push(name);
        next();
      };
    await expect(run(chain(step("a"), step("b"), step("c")))).resolves.toBeUndefined();
    expect(seen).toEqual(["a", "b", "c"]);
  });

  it("skips the rest after an error passed to next, thrown or rejected", async () => {
    const failures: RequestHandler[] = [
      (_req, _res, next) => next(new Error("passed")),
      () => {
        throw new Error("thrown");
      },
      () => Promise.reject(new Error("rejected")),
    ];
    for (const failure of failures) {
      let reached = false;
      const after: RequestHandler = (_req, _res, next) => {
        reached = true;
        next();
      };
      const error = await run(chain(failure, after));
      expect(error).toBeInstanceOf(Error);
      expect(reached).toBe(false);
    }
  });

  it("lets a middleware answer without calling next", () => {
    let reached = false;
    let carriedOn = false;
    const answered = chain(
      () => undefined,
      (_req, _res, next) => {
        reached = true;
        next();
      },
    );
    void answered(req, res, () => {
      carriedOn = true;
    });
    expect(reached).toBe(false);
    expect(carriedOn).toBe(false);
  });
});
