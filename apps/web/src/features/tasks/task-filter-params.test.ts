import { describe, expect, it } from "vitest";

import { filterFromParams, isFiltered, listInputOf, paramsFromFilter } from "./task-filter-params";

describe("task filter parameters", () => {
  it("read statuses in a fixed order, a kind and a search from the link", () => {
    const filter = filterFromParams(
      new URLSearchParams("status=failed,queued,bogus&kind=image.generate&q=red fox"),
    );
    expect(filter).toEqual({
      statuses: ["queued", "failed"],
      kind: "image.generate",
      search: "red fox",
    });
    expect(paramsFromFilter(filter).toString()).toBe(
      "status=queued%2Cfailed&kind=image.generate&q=red+fox",
    );
  });

  it("ignore kinds the API would refuse", () => {
    expect(filterFromParams(new URLSearchParams("kind=DROP TABLE")).kind).toBeNull();
  });

  it("leave empty parts out of the link and of the request", () => {
    const filter = { statuses: [], kind: null, search: "   " };
    expect(paramsFromFilter(filter).toString()).toBe("");
    expect(listInputOf(filter, 20)).toEqual({ limit: 20 });
    expect(isFiltered(filter)).toBe(false);
  });

  it("trim the search and keep it within the API's limit", () => {
    const input = listInputOf(
      { statuses: ["running"], kind: "cards.batch", search: ` ${"x".repeat(300)} ` },
      20,
    );
    expect(input).toEqual({
      limit: 20,
      status: ["running"],
      kind: "cards.batch",
      search: "x".repeat(200),
    });
  });
});
