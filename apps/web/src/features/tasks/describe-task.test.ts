import type { TFunction } from "i18next";
import { describe, expect, it } from "vitest";

import { describeTask } from "./describe-task";

/** A stand-in `t` that shows the key and its values, so the test reads what was asked for. */
const t = ((key: string, values?: Record<string, unknown>) =>
  values ? `${key}(${JSON.stringify(values)})` : key) as unknown as TFunction;

describe("describeTask", () => {
  it("names a cut-out batch and counts its photos and failures", () => {
    expect(
      describeTask(t, {
        kind: "cutout.batch",
        input: { items: [{ uploadId: "a" }, { uploadId: "b" }, { uploadId: "c" }] },
        output: { succeeded: 2, failed: 1 },
      }),
    ).toEqual({
      title: "tasks.kind.cutoutBatch",
      summary: 'tasks.summary.photos({"count":3}) · tasks.summary.photosFailed({"count":1})',
    });
  });

  it("leaves out the failures of a cut-out batch that had none", () => {
    expect(
      describeTask(t, {
        kind: "cutout.batch",
        input: { items: [{ uploadId: "a" }] },
        output: { succeeded: 1, failed: 0 },
      }).summary,
    ).toBe('tasks.summary.photos({"count":1})');
  });

  it("shows an unknown kind by its name", () => {
    expect(describeTask(t, { kind: "other.kind", input: {}, output: null })).toEqual({
      title: "other.kind",
      summary: "",
    });
  });
});
