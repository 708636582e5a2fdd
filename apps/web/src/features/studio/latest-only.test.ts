import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { latestOnly } from "./latest-only";

interface Call {
  input: string;
  signal: AbortSignal;
  resolve: (value: string) => void;
  reject: (error: unknown) => void;
}

function setup(delayMs = 300) {
  const calls: Call[] = [];
  const results: [string, string][] = [];
  const errors: [unknown, string][] = [];
  const busy: boolean[] = [];
  const runner = latestOnly<string, string>({
    delayMs,
    run: (input, signal) =>
      new Promise<string>((resolve, reject) => calls.push({ input, signal, resolve, reject })),
    onResult: (result, input) => results.push([result, input]),
    onError: (error, input) => errors.push([error, input]),
    onBusyChange: (value) => busy.push(value),
  });
  return { runner, calls, results, errors, busy };
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe("latestOnly", () => {
  it("turns a burst of changes into one call with the last input, after the delay", async () => {
    const { runner, calls, results } = setup();
    runner.schedule("a");
    await vi.advanceTimersByTimeAsync(100);
    runner.schedule("ab");
    await vi.advanceTimersByTimeAsync(299);
    expect(calls).toHaveLength(0);
    runner.schedule("abc");
    await vi.advanceTimersByTimeAsync(300);
    expect(calls.map((call) => call.input)).toEqual(["abc"]);

    calls[0]?.resolve("svg-abc");
    await vi.advanceTimersByTimeAsync(0);
    expect(results).toEqual([["svg-abc", "abc"]]);
  });

  it("aborts the running call when a newer one starts, and never reports the old one", async () => {
    const { runner, calls, results, errors } = setup();
    runner.schedule("first");
    await vi.advanceTimersByTimeAsync(300);
    runner.schedule("second");
    // The first call keeps running while the change settles…
    expect(calls[0]?.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(300);
    // …and is aborted once the newer one starts.
    expect(calls[0]?.signal.aborted).toBe(true);
    expect(calls.map((call) => call.input)).toEqual(["first", "second"]);

    calls[0]?.resolve("late");
    calls[0]?.reject(new Error("aborted"));
    calls[1]?.resolve("fresh");
    await vi.advanceTimersByTimeAsync(0);
    expect(results).toEqual([["fresh", "second"]]);
    expect(errors).toEqual([]);
  });

  it("reports a failure of the newest call", async () => {
    const { runner, calls, results, errors } = setup();
    runner.schedule("bad");
    await vi.advanceTimersByTimeAsync(300);
    const failure = new Error("VALIDATION");
    calls[0]?.reject(failure);
    await vi.advanceTimersByTimeAsync(0);
    expect(errors).toEqual([[failure, "bad"]]);
    expect(results).toEqual([]);
  });

  it("is busy from the first change until the newest call settles", async () => {
    const { runner, calls, busy } = setup();
    runner.schedule("a");
    expect(busy).toEqual([true]);
    await vi.advanceTimersByTimeAsync(300);
    runner.schedule("b");
    calls[0]?.resolve("old");
    await vi.advanceTimersByTimeAsync(0);
    // Still waiting for "b": the old answer does not end the busy state.
    expect(busy).toEqual([true]);
    await vi.advanceTimersByTimeAsync(300);
    calls[1]?.resolve("new");
    await vi.advanceTimersByTimeAsync(0);
    expect(busy).toEqual([true, false]);
  });

  it("runs at once on flush and stops everything on cancel", async () => {
    const { runner, calls, results, busy } = setup();
    runner.schedule("now");
    runner.flush();
    expect(calls.map((call) => call.input)).toEqual(["now"]);
    runner.schedule("later");
    runner.cancel();
    expect(calls[0]?.signal.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(1000);
    calls[0]?.resolve("ignored");
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(1);
    expect(results).toEqual([]);
    expect(busy).toEqual([true, false]);
  });

  it("reports a call that throws synchronously as a failure", async () => {
    const errors: unknown[] = [];
    const runner = latestOnly<string, string>({
      delayMs: 10,
      run: () => {
        throw new Error("boom");
      },
      onResult: () => undefined,
      onError: (error) => errors.push(error),
    });
    runner.schedule("x");
    await vi.advanceTimersByTimeAsync(10);
    expect(errors).toEqual([new Error("boom")]);
  });
});
