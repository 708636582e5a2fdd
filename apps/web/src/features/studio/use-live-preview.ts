import { useEffect, useMemo, useState } from "react";

import { trpc } from "../../lib/trpc";
import { latestOnly } from "./latest-only";
import type { CardInput, CardPreview } from "./types";

/** How long the design must be still before the preview is rendered. */
export const PREVIEW_DELAY_MS = 300;

/** A rendered preview and the template it shows. */
export type RenderedPreview = CardPreview & { templateId: string };

export interface LivePreview {
  /** The newest preview rendered; kept while a newer one renders or after one fails. */
  preview: RenderedPreview | null;
  /** The failure of the newest attempt, until one succeeds. */
  error: unknown;
  /** A change is waiting or rendering. */
  busy: boolean;
  /** Renders the current design again now (after a failure). */
  retry: () => void;
}

/**
 * Renders the design as SVG on the server a moment after each change. Only the newest request
 * counts: starting one aborts the one still running, and an overtaken answer is dropped.
 */
export function useLivePreview(input: CardInput | null): LivePreview {
  const utils = trpc.useUtils();
  const [result, setResult] = useState<{ preview: RenderedPreview | null; error: unknown }>({
    preview: null,
    error: null,
  });
  const [busy, setBusy] = useState(false);
  const runner = useMemo(
    () =>
      latestOnly<CardInput, CardPreview>({
        delayMs: PREVIEW_DELAY_MS,
        run: (request, signal) => utils.client.generate.preview.mutate(request, { signal }),
        onResult: (preview, request) =>
          setResult({ preview: { ...preview, templateId: request.templateId }, error: null }),
        onError: (error) => setResult((current) => ({ preview: current.preview, error })),
        onBusyChange: setBusy,
      }),
    [utils],
  );

  useEffect(() => {
    if (input) runner.schedule(input);
    else runner.cancel();
  }, [input, runner]);

  useEffect(() => () => runner.cancel(), [runner]);

  return {
    ...result,
    busy,
    retry: () => {
      if (!input) return;
      runner.schedule(input);
      runner.flush();
    },
  };
}
