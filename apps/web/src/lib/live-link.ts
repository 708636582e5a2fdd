import type { Operation, OperationLink, TRPCClientRuntime, TRPCLink } from "@trpc/client";
import type { AnyRouter } from "@trpc/server";
import { observable, type Unsubscribable } from "@trpc/server/observable";

/** The socket is given up for the page after this many failed opens in a row, none ever open… */
export const SOCKET_FAILURES_BEFORE_FALLBACK = 2;
/** …or when it has not opened this long after the first subscription wanted it, in ms. */
export const SOCKET_OPEN_TIMEOUT_MS = 10_000;

/**
 * Watches the page's WebSocket and decides, once, that it cannot be used: when it has failed to
 * open `failures` times in a row, or not opened within `openTimeoutMs` of the first subscription
 * that wanted it, and never opened at all (a proxy or network that blocks WebSockets). A socket
 * that opened once and dropped later is an outage, not a block: it keeps reconnecting.
 */
export function createSocketWatch({
  failures: failuresBeforeFallback = SOCKET_FAILURES_BEFORE_FALLBACK,
  openTimeoutMs = SOCKET_OPEN_TIMEOUT_MS,
}: { failures?: number; openTimeoutMs?: number } = {}) {
  let openedOnce = false;
  let failures = 0;
  let fellBack = false;
  let openTimer: ReturnType<typeof setTimeout> | undefined;
  const listeners = new Set<() => void>();
  const giveUp = () => {
    if (openedOnce || fellBack) return;
    fellBack = true;
    clearTimeout(openTimer);
    for (const listener of [...listeners]) listener();
  };
  return {
    get fellBack() {
      return fellBack;
    },
    /** A subscription is about to use the socket. */
    wanted() {
      if (openedOnce || fellBack || openTimer !== undefined) return;
      openTimer = setTimeout(giveUp, openTimeoutMs);
    },
    /** For `createWSClient`'s `onOpen`. */
    opened() {
      openedOnce = true;
      clearTimeout(openTimer);
    },
    /** For `createWSClient`'s `onClose`: a close before any open is a failed attempt. */
    closed() {
      if (openedOnce || fellBack) return;
      failures += 1;
      if (failures >= failuresBeforeFallback) giveUp();
    },
    /** Calls `listener` when the socket is given up; returns what removes it. */
    onFallBack(listener: () => void) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}

export type SocketWatch = ReturnType<typeof createSocketWatch>;

/** What restarts every subscription running through a {@link fallbackLink}. */
export interface Restarts {
  restart(): void;
}

/** The op with `lastEventId` in its input, so the stream resumes after that event. */
function resumingAfter(op: Operation, lastEventId: string | undefined): Operation {
  if (lastEventId === undefined) return op;
  const input = op.input !== null && typeof op.input === "object" ? op.input : {};
  return { ...op, input: { ...input, lastEventId } };
}

function terminate<R extends AnyRouter>(link: OperationLink<R>, op: Operation) {
  return link({
    op,
    next: () => {
      throw new Error("a subscription link must end the chain");
    },
  });
}

/**
 * Subscriptions over `primary` (the page's WebSocket) until `watch` gives the socket up, then
 * over `fallback` (server-sent events): running subscriptions move across and resume after the
 * last event they received, later ones start there. `restarts.restart()` reopens every stream
 * that is on `fallback` (each one carries the cookies of when it opened), again resuming.
 */
export function fallbackLink<R extends AnyRouter>(options: {
  primary: TRPCLink<R>;
  fallback: TRPCLink<R>;
  watch: SocketWatch;
}): { link: TRPCLink<R>; restarts: Restarts } {
  const restarters = new Set<() => void>();
  const restarts: Restarts = {
    restart() {
      for (const restart of [...restarters]) restart();
    },
  };
  const link: TRPCLink<R> = (runtime: TRPCClientRuntime) => {
    const primary = options.primary(runtime);
    const fallback = options.fallback(runtime);
    return ({ op }) =>
      observable((observer) => {
        let lastEventId: string | undefined;
        let current: Unsubscribable | undefined;
        const start = (through: OperationLink<R>) => {
          current?.unsubscribe();
          const onSocket = through === primary;
          if (onSocket) options.watch.wanted();
          // Once the socket is given up, what it still says (closing completes its streams) is
          // not the stream's end: the stream goes on over the fallback.
          const stale = () => onSocket && options.watch.fellBack;
          current = terminate(through, resumingAfter(op, lastEventId)).subscribe({
            next(envelope) {
              if (stale()) return;
              const result = envelope.result;
              if (
                (!("type" in result) || result.type === "data") &&
                typeof result.id === "string"
              ) {
                lastEventId = result.id;
              }
              observer.next(envelope);
            },
            error: (error) => {
              if (!stale()) observer.error(error);
            },
            complete: () => {
              if (!stale()) observer.complete();
            },
          });
        };
        let stopWatching = () => undefined as void;
        if (options.watch.fellBack) {
          start(fallback);
        } else {
          stopWatching = options.watch.onFallBack(() => start(fallback));
          start(primary);
        }
        const restart = () => {
          if (options.watch.fellBack) start(fallback);
        };
        restarters.add(restart);
        return () => {
          restarters.delete(restart);
          stopWatching();
          current?.unsubscribe();
        };
      });
  };
  return { link, restarts };
}
