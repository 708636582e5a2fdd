import { useCallback, useEffect, useMemo, useRef, useState } from "react";

import { trpc } from "../../lib/trpc";
import { latestOnly } from "../studio/latest-only";
import { TRANSPARENT_LAYER, findOutput, optionsKey, transparentLayerOf } from "./cutout-options";
import type { ComposeResult, CutoutItem, CutoutOutput, OutputOptionsInput } from "./types";

/** How long the settings must be still before the file is made (a colour picker drags). */
export const COMPOSE_DELAY_MS = 250;

interface ComposeRequest {
  id: string;
  options: OutputOptionsInput;
}

export interface ComposedOutput {
  /** The file the settings make, once the server has it; null while it is being made. */
  output: CutoutOutput | null;
  /** A change is waiting or being made. */
  busy: boolean;
  /** Why the newest attempt failed, until one succeeds. */
  error: unknown;
  retry: () => void;
}

/**
 * The cut-out's file for the current settings: an output it already has, or one `cutout.compose`
 * makes a moment after the settings stop changing (from the stored photo and mask: the model
 * does not run again). Only the newest request counts. `onCutout` (stable) gets the cut-out with
 * each new output. Also makes sure there is an uncropped transparent layer for the instant preview.
 */
export function useComposedOutput(
  cutout: CutoutItem | null,
  options: OutputOptionsInput | null,
  onCutout: (cutout: CutoutItem) => void,
): ComposedOutput {
  const utils = trpc.useUtils();
  /** The newest answer or failure, for the options it was for. */
  const [last, setLast] = useState<{
    id: string;
    key: string;
    output: CutoutOutput | null;
    error: unknown;
  } | null>(null);
  const [busy, setBusy] = useState(false);
  const latest = useRef(options);
  useEffect(() => {
    latest.current = options;
  });

  const runner = useMemo(
    () =>
      latestOnly<ComposeRequest & { key: string }, ComposeResult>({
        delayMs: COMPOSE_DELAY_MS,
        run: ({ id, options: request }, signal) =>
          utils.client.cutout.compose.mutate({ id, options: request }, { signal }),
        onResult: (result, { id, key }) => {
          setLast({ id, key, output: result.output, error: null });
          onCutout(result.cutout);
        },
        onError: (error, { id, key }) => setLast({ id, key, output: null, error }),
        onBusyChange: setBusy,
      }),
    [utils, onCutout],
  );
  useEffect(() => () => runner.cancel(), [runner]);

  const key = options ? optionsKey(options) : null;
  const id = cutout?.id ?? null;
  const existing =
    (cutout ? findOutput(cutout, options) : undefined) ??
    (last?.id === id && last.key === key && last.output ? last.output : undefined);
  const missing = id !== null && key !== null && !existing;

  const schedule = useCallback(() => {
    const current = latest.current;
    const currentKey = current ? optionsKey(current) : null;
    if (id && current && currentKey) runner.schedule({ id, options: current, key: currentKey });
  }, [id, runner]);
  useEffect(() => {
    if (missing) schedule();
    else runner.cancel();
  }, [missing, key, schedule, runner]);

  // The instant preview draws the subject from a transparent layer: make one if there is none.
  const needsLayer = cutout !== null && !transparentLayerOf(cutout);
  const layer = trpc.cutout.compose.useMutation({
    meta: { errorToast: false },
    onSuccess: (result) => onCutout(result.cutout),
  });
  const { mutate: makeLayer } = layer;
  const asked = useRef<string | null>(null);
  useEffect(() => {
    if (!needsLayer || !id || asked.current === id) return;
    asked.current = id;
    makeLayer({ id, options: TRANSPARENT_LAYER });
  }, [needsLayer, id, makeLayer]);

  const failed = missing && last?.id === id && last.key === key && last.error !== null;
  return {
    output: existing ?? null,
    busy: missing && (busy || !failed),
    error: failed ? last.error : null,
    retry: () => {
      schedule();
      runner.flush();
    },
  };
}
