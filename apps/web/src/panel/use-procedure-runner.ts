import { useCallback, useEffect, useRef, useState } from "react";

import { isRecord, type ProcedureKind } from "./json-schema";
import { toErrorView, type ErrorView, type PanelClient } from "./panel-client";

export type CallState =
  | { status: "idle" }
  | { status: "running" }
  | { status: "success"; data: unknown; durationMs: number }
  | { status: "error"; error: ErrorView; durationMs: number };

export interface StreamEvent {
  /** Order of arrival, from 1. */
  seq: number;
  /** The id the server gave the event with `tracked()`; resuming starts after it. */
  trackedId: string | null;
  data: unknown;
  /** Milliseconds since the subscription was opened. */
  atMs: number;
}

export type StreamStatus =
  "connecting" | "live" | "reconnecting" | "stopped" | "completed" | "failed";

export interface StreamState {
  status: StreamStatus;
  events: StreamEvent[];
  error: ErrorView | null;
}

/** Older events are dropped past this many; the counter keeps counting. */
export const MAX_STREAM_EVENTS = 200;

function splitTracked(value: unknown): { trackedId: string | null; data: unknown } {
  if (isRecord(value) && typeof value.id === "string" && "data" in value) {
    return { trackedId: value.id, data: value.data };
  }
  return { trackedId: null, data: value };
}

/** Runs one procedure: a query or mutation with its duration, or a live subscription. */
export function useProcedureRunner(client: PanelClient, path: string, type: ProcedureKind) {
  const [call, setCall] = useState<CallState>({ status: "idle" });
  const [stream, setStream] = useState<StreamState | null>(null);
  const subscription = useRef<{ unsubscribe(): void } | null>(null);
  // Bumped on every subscribe and stop, so callbacks of a closed subscription are ignored.
  const streamId = useRef(0);
  const callId = useRef(0);

  const closeStream = useCallback(() => {
    streamId.current += 1;
    subscription.current?.unsubscribe();
    subscription.current = null;
  }, []);

  const stop = useCallback(() => {
    closeStream();
    setStream((current) =>
      current && ["connecting", "live", "reconnecting"].includes(current.status)
        ? { ...current, status: "stopped" }
        : current,
    );
  }, [closeStream]);

  useEffect(
    () => () => {
      closeStream();
      callId.current += 1;
    },
    [closeStream],
  );

  const run = useCallback(
    async (input: unknown) => {
      if (type === "subscription") {
        closeStream();
        const id = streamId.current;
        const opened = performance.now();
        let seq = 0;
        setStream({ status: "connecting", events: [], error: null });
        const update = (change: (current: StreamState) => StreamState) => {
          if (id !== streamId.current) return;
          setStream((current) => (current ? change(current) : current));
        };
        const patch = (next: Partial<StreamState>) =>
          update((current) => ({ ...current, ...next }));
        subscription.current = client.subscription(path, input, {
          onStarted: () => patch({ status: "live" }),
          onConnectionStateChange: (state) => {
            if (state.state === "connecting" && state.error) {
              patch({ status: "reconnecting", error: toErrorView(state.error) });
            } else if (state.state === "pending") patch({ status: "live", error: null });
          },
          onData: (value) => {
            seq += 1;
            const event: StreamEvent = {
              seq,
              ...splitTracked(value),
              atMs: performance.now() - opened,
            };
            update((current) => ({
              ...current,
              events: [event, ...current.events].slice(0, MAX_STREAM_EVENTS),
            }));
          },
          onError: (error) => {
            patch({ status: "failed", error: toErrorView(error) });
            if (id === streamId.current) subscription.current = null;
          },
          onComplete: () => {
            patch({ status: "completed" });
            if (id === streamId.current) subscription.current = null;
          },
        });
        return;
      }
      const id = (callId.current += 1);
      setCall({ status: "running" });
      const started = performance.now();
      try {
        const data =
          type === "query" ? await client.query(path, input) : await client.mutation(path, input);
        if (id === callId.current)
          setCall({ status: "success", data, durationMs: performance.now() - started });
      } catch (error) {
        if (id === callId.current) {
          setCall({
            status: "error",
            error: toErrorView(error),
            durationMs: performance.now() - started,
          });
        }
      }
    },
    [client, path, type, closeStream],
  );

  return { call, stream, run, stop };
}
