import { Cpu, Info } from "lucide-react";
import { useEffect, useId, useRef, useState } from "react";
import { useTranslation } from "react-i18next";

import { Badge } from "../../components/ui/badge";
import { formatDuration } from "../../lib/format";
import type { CutoutModels } from "./types";

/** The models' licences, in a small panel that opens from a discreet button. */
function LicencePopover({ models }: { models: CutoutModels["models"] }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const panelId = useId();

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (event.target instanceof Node && !root.current?.contains(event.target)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") {
        setOpen(false);
        button.current?.focus();
      }
    };
    document.addEventListener("pointerdown", onPointer);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("pointerdown", onPointer);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);

  // One line per licence: the built-in models share theirs.
  const licences = [...new Set(models.map((model) => model.licence))];
  return (
    <div ref={root} className="relative">
      <button
        ref={button}
        type="button"
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        onClick={() => setOpen((value) => !value)}
        className="inline-flex items-center gap-1 rounded-md px-1 py-0.5 text-xs text-fg-subtle underline-offset-2 hover:text-fg hover:underline"
        data-testid="cutout-licence-toggle"
      >
        <Info className="size-3.5" aria-hidden />
        {t("cutout.models.about")}
      </button>
      {open ? (
        <div
          id={panelId}
          role="region"
          aria-label={t("cutout.models.about")}
          className="absolute bottom-full left-0 z-40 mb-1.5 w-[min(22rem,calc(100vw-2.5rem))] space-y-2.5 rounded-xl border border-line bg-surface p-3.5 text-[13px] shadow-lg shadow-black/10"
          data-testid="cutout-licence"
        >
          <ul className="space-y-1.5">
            {models.map((model) => (
              <li key={model.id} className="flex items-center justify-between gap-2">
                <span className="min-w-0 truncate font-mono text-xs text-fg">{model.id}</span>
                <span className="flex shrink-0 items-center gap-1.5">
                  {model.tier ? <Badge>{t(`cutout.tier.${model.tier}`)}</Badge> : null}
                  {model.error ? (
                    <Badge tone="danger">{t("cutout.models.broken")}</Badge>
                  ) : model.loaded ? (
                    <Badge tone="success">{t("cutout.models.loaded")}</Badge>
                  ) : (
                    <Badge>{t("cutout.models.idle")}</Badge>
                  )}
                </span>
              </li>
            ))}
          </ul>
          {licences.map((licence) => (
            <p key={licence} className="text-fg-muted">
              {licence}
            </p>
          ))}
          <p className="text-xs text-fg-subtle">{t("cutout.models.onServer")}</p>
        </div>
      ) : null}
    </div>
  );
}

/**
 * Which models remove backgrounds here and how busy they are, said discreetly: the queue when it
 * is busy, the median time, and the licences a click away.
 */
export function ModelInfo({ models }: { models: CutoutModels | undefined }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? "en";
  if (!models?.available) return null;
  const { queue } = models;
  const busy = queue !== null && queue.queued > 0;
  return (
    <div
      className="flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-fg-subtle"
      data-testid="cutout-model-info"
    >
      <span className="inline-flex items-center gap-1.5">
        <Cpu className="size-3.5" aria-hidden />
        {t("cutout.models.line")}
      </span>
      {queue?.p50InferMs ? (
        <span className="tabular-nums">
          {t("cutout.models.median", { duration: formatDuration(queue.p50InferMs, language) })}
        </span>
      ) : null}
      {busy ? (
        <Badge tone="warning" data-testid="cutout-queue-busy">
          {t("cutout.models.busy", { count: queue.queued })}
        </Badge>
      ) : null}
      <LicencePopover models={models.models} />
    </div>
  );
}
