/**
 * Debounced, latest-only calls for a live preview: a burst of changes becomes one call once the
 * input has been still for `delayMs`; starting a call aborts the one still running, and a call
 * that something newer has overtaken never reports (neither its result nor its failure).
 */

export interface LatestOnlyOptions<I, R> {
  delayMs: number;
  run: (input: I, signal: AbortSignal) => Promise<R>;
  onResult: (result: R, input: I) => void;
  onError: (error: unknown, input: I) => void;
  /** Busy from the first change until the newest call has settled. */
  onBusyChange?: (busy: boolean) => void;
  timers?: {
    set: (callback: () => void, ms: number) => unknown;
    clear: (handle: unknown) => void;
  };
}

export interface LatestOnly<I> {
  /** Runs `input` once nothing newer arrives for `delayMs`. */
  schedule(input: I): void;
  /** Runs the scheduled input now instead of waiting. */
  flush(): void;
  /** Drops the scheduled input and aborts the running call. */
  cancel(): void;
}

const defaultTimers = {
  set: (callback: () => void, ms: number): unknown => setTimeout(callback, ms),
  clear: (handle: unknown) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export function latestOnly<I, R>(options: LatestOnlyOptions<I, R>): LatestOnly<I> {
  const timers = options.timers ?? defaultTimers;
  let timer: unknown = null;
  let pending: { input: I } | null = null;
  let running: AbortController | null = null;
  let busy = false;

  const setBusy = (next: boolean) => {
    if (busy === next) return;
    busy = next;
    options.onBusyChange?.(next);
  };

  const start = () => {
    if (timer !== null) timers.clear(timer);
    timer = null;
    if (!pending) return;
    const { input } = pending;
    pending = null;
    running?.abort();
    const controller = new AbortController();
    running = controller;
    const current = () => running === controller && !controller.signal.aborted;
    // Async, so a call that throws at once fails like one that rejects.
    const call = (async () => options.run(input, controller.signal))();
    call.then(
      (result) => {
        if (!current()) return;
        running = null;
        options.onResult(result, input);
        if (!pending) setBusy(false);
      },
      (error: unknown) => {
        if (!current()) return;
        running = null;
        options.onError(error, input);
        if (!pending) setBusy(false);
      },
    );
  };

  return {
    schedule(input) {
      pending = { input };
      setBusy(true);
      if (timer !== null) timers.clear(timer);
      timer = timers.set(start, options.delayMs);
    },
    flush() {
      if (pending) start();
    },
    cancel() {
      if (timer !== null) timers.clear(timer);
      timer = null;
      pending = null;
      running?.abort();
      running = null;
      setBusy(false);
    },
  };
}
