import type { Operation, OperationResultEnvelope, TRPCClientError, TRPCLink } from "@trpc/client";
import type { AnyRouter } from "@trpc/server";
import { observable, type Observer } from "@trpc/server/observable";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { createSocketWatch, fallbackLink } from "./live-link";

type Envelope = OperationResultEnvelope<unknown, TRPCClientError<AnyRouter>>;

/** A terminating link that records every stream opened through it and lets the test drive it. */
function fakeLink(name: string) {
  const streams: {
    input: unknown;
    observer: Observer<Envelope, TRPCClientError<AnyRouter>>;
    closed: boolean;
  }[] = [];
  const link: TRPCLink<AnyRouter> =
    () =>
    ({ op }) =>
      observable<Envelope, TRPCClientError<AnyRouter>>((observer) => {
        const stream = { input: op.input, observer, closed: false };
        streams.push(stream);
        return () => {
          stream.closed = true;
        };
      });
  return { name, link, streams };
}

const op: Operation = {
  id: 1,
  type: "subscription",
  path: "system.onEvents",
  input: { lastEventId: "7" },
  context: {},
  signal: null,
};

function subscribe(link: TRPCLink<AnyRouter>) {
  const received: unknown[] = [];
  let completed = false;
  const subscription = link({})({ op, next: () => observable(() => undefined) }).subscribe({
    next: (envelope) => received.push(envelope.result),
    complete: () => {
      completed = true;
    },
  });
  return {
    received,
    get completed() {
      return completed;
    },
    subscription,
  };
}

const data = (id: string) => ({ result: { type: "data" as const, id, data: { id } } });

describe("createSocketWatch", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("gives the socket up after failed opens in a row when it never opened", () => {
    const watch = createSocketWatch({ failures: 2 });
    const heard = vi.fn();
    watch.onFallBack(heard);
    watch.closed();
    expect(watch.fellBack).toBe(false);
    watch.closed();
    expect(watch.fellBack).toBe(true);
    expect(heard).toHaveBeenCalledTimes(1);
    watch.closed();
    expect(heard).toHaveBeenCalledTimes(1);
  });

  it("keeps a socket that opened once, however often it drops later", () => {
    const watch = createSocketWatch({ failures: 2, openTimeoutMs: 1_000 });
    watch.wanted();
    watch.opened();
    for (let i = 0; i < 10; i++) watch.closed();
    vi.advanceTimersByTime(5_000);
    expect(watch.fellBack).toBe(false);
  });

  it("gives the socket up when it has not opened in time", () => {
    const watch = createSocketWatch({ failures: 2, openTimeoutMs: 1_000 });
    watch.wanted();
    vi.advanceTimersByTime(999);
    expect(watch.fellBack).toBe(false);
    vi.advanceTimersByTime(1);
    expect(watch.fellBack).toBe(true);
  });

  it("does not time out before anything wanted the socket", () => {
    const watch = createSocketWatch({ openTimeoutMs: 1_000 });
    vi.advanceTimersByTime(60_000);
    expect(watch.fellBack).toBe(false);
  });
});

describe("fallbackLink", () => {
  it("moves a running subscription to the fallback, resuming after its last event", () => {
    const socket = fakeLink("socket");
    const sse = fakeLink("sse");
    const watch = createSocketWatch({ failures: 1 });
    const { link } = fallbackLink({ primary: socket.link, fallback: sse.link, watch });
    const sub = subscribe(link);

    expect(socket.streams).toHaveLength(1);
    expect(socket.streams[0]?.input).toEqual({ lastEventId: "7" });
    socket.streams[0]?.observer.next(data("8"));
    socket.streams[0]?.observer.next(data("9"));

    watch.closed();
    // Closing the socket completes its streams: that is not the subscription's end.
    socket.streams[0]?.observer.complete();

    expect(socket.streams[0]?.closed).toBe(true);
    expect(sse.streams).toHaveLength(1);
    expect(sse.streams[0]?.input).toEqual({ lastEventId: "9" });
    sse.streams[0]?.observer.next(data("10"));
    expect(sub.received).toEqual([data("8").result, data("9").result, data("10").result]);
    expect(sub.completed).toBe(false);

    sub.subscription.unsubscribe();
    expect(sse.streams[0]?.closed).toBe(true);
  });

  it("starts later subscriptions on the fallback once the socket is given up", () => {
    const socket = fakeLink("socket");
    const sse = fakeLink("sse");
    const watch = createSocketWatch({ failures: 1 });
    const { link } = fallbackLink({ primary: socket.link, fallback: sse.link, watch });
    watch.closed();
    subscribe(link);
    expect(socket.streams).toHaveLength(0);
    expect(sse.streams).toHaveLength(1);
    expect(sse.streams[0]?.input).toEqual({ lastEventId: "7" });
  });

  it("passes a stream's end through while the socket is in use", () => {
    const socket = fakeLink("socket");
    const sse = fakeLink("sse");
    const { link } = fallbackLink({
      primary: socket.link,
      fallback: sse.link,
      watch: createSocketWatch(),
    });
    const sub = subscribe(link);
    socket.streams[0]?.observer.complete();
    expect(sub.completed).toBe(true);
    expect(sse.streams).toHaveLength(0);
  });

  it("restarts the fallback's streams, and leaves the socket's to the socket", () => {
    const socket = fakeLink("socket");
    const sse = fakeLink("sse");
    const watch = createSocketWatch({ failures: 1 });
    const { link, restarts } = fallbackLink({ primary: socket.link, fallback: sse.link, watch });
    subscribe(link);
    restarts.restart();
    expect(socket.streams).toHaveLength(1);
    expect(socket.streams[0]?.closed).toBe(false);

    watch.closed();
    sse.streams[0]?.observer.next(data("12"));
    restarts.restart();
    expect(sse.streams).toHaveLength(2);
    expect(sse.streams[0]?.closed).toBe(true);
    expect(sse.streams[1]?.input).toEqual({ lastEventId: "12" });
  });
});
