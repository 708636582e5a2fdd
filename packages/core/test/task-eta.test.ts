import { describe, expect, it } from "vitest";

import { estimateFinishMs } from "../src/tasks/get-task";

describe("a queued task's ETA", () => {
  const medianMs = 10_000;

  it("with nothing running: the tasks ahead run `concurrency` at a time, then this one", () => {
    const eta = (position: number, concurrency: number) =>
      estimateFinishMs({ position, medianMs, concurrency, runningElapsedMs: [] });
    expect(eta(1, 1)).toBe(10_000);
    expect(eta(2, 1)).toBe(20_000);
    expect(eta(2, 2)).toBe(10_000);
    expect(eta(3, 2)).toBe(20_000);
  });

  it("counts what the running tasks still have to do", () => {
    // One slot, its task 8 s in: the next task starts in 2 s and ends 10 s later.
    expect(
      estimateFinishMs({ position: 1, medianMs, concurrency: 1, runningElapsedMs: [8_000] }),
    ).toBe(12_000);
    expect(
      estimateFinishMs({ position: 2, medianMs, concurrency: 1, runningElapsedMs: [8_000] }),
    ).toBe(22_000);
    // Two slots, one busy for 1 s more, one free: the next takes the free one, then the other.
    const twoSlots = { medianMs, concurrency: 2, runningElapsedMs: [9_000] };
    expect(estimateFinishMs({ ...twoSlots, position: 1 })).toBe(10_000);
    expect(estimateFinishMs({ ...twoSlots, position: 2 })).toBe(11_000);
    expect(estimateFinishMs({ ...twoSlots, position: 3 })).toBe(20_000);
  });

  it("takes a task that overran its median as about to finish", () => {
    expect(
      estimateFinishMs({ position: 1, medianMs, concurrency: 1, runningElapsedMs: [30_000] }),
    ).toBe(10_000);
  });

  it("uses as many slots as tasks run when several workers run more than one process's concurrency", () => {
    const running = [1_000, 2_000, 3_000, 4_000];
    // Four run at once (four workers of concurrency 1): the next starts when the oldest ends.
    expect(
      estimateFinishMs({ position: 1, medianMs, concurrency: 1, runningElapsedMs: running }),
    ).toBe(16_000);
    expect(
      estimateFinishMs({ position: 5, medianMs, concurrency: 1, runningElapsedMs: running }),
    ).toBe(26_000);
  });
});
