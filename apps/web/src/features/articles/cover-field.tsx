import { ImageOff, ImagePlus, LayoutTemplate } from "lucide-react";
import { useEffect, useId, useRef, useState } from "react";
import { useTranslation } from "react-i18next";

import { Button } from "../../components/ui/button";
import { Spinner } from "../../components/ui/spinner";
import { readApiFailure } from "../../lib/errors";
import { trpc } from "../../lib/trpc";
import { failureMessage } from "../errors/notify-error";
import { sameOriginPath } from "../studio/same-origin";
import { uploadImage } from "../studio/upload-image";
import type { CoverRef } from "./draft-state";

const ACCEPTED = ["image/png", "image/jpeg", "image/webp"];

/**
 * The article's cover: a picture uploaded here (`POST /api/uploads`) or one of the writer's
 * cards, shown as it will look; saved with the article like any other field.
 */
export function CoverField({
  cover,
  savedUrl,
  onChange,
}: {
  cover: CoverRef | null;
  /** The saved cover's URL (the server's), when `cover` is the saved one. */
  savedUrl: string | null;
  onChange: (cover: CoverRef | null) => void;
}) {
  const { t } = useTranslation();
  const inputId = useId();
  const [previews, setPreviews] = useState<Record<string, string>>({});
  const [uploading, setUploading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [picking, setPicking] = useState(false);
  const inFlight = useRef<AbortController | null>(null);
  useEffect(() => () => inFlight.current?.abort(), []);
  const cards = trpc.generate.history.useQuery({ limit: 12 }, { enabled: picking });

  const url = cover ? (previews[cover.id] ?? (savedUrl ? sameOriginPath(savedUrl) : null)) : null;

  const upload = async (file: File | undefined) => {
    if (!file) return;
    if (!ACCEPTED.includes(file.type)) {
      setError(t("articles.cover.wrongType", { name: file.name }));
      return;
    }
    inFlight.current?.abort();
    const controller = new AbortController();
    inFlight.current = controller;
    setUploading(true);
    setError(null);
    try {
      const uploaded = await uploadImage(file, { signal: controller.signal });
      setPreviews((known) => ({ ...known, [uploaded.id]: sameOriginPath(uploaded.url) }));
      onChange({ kind: "upload", id: uploaded.id });
    } catch (failure) {
      if (!controller.signal.aborted) setError(failureMessage(readApiFailure(failure)));
    } finally {
      if (inFlight.current === controller) inFlight.current = null;
      setUploading(false);
    }
  };

  return (
    <div className="space-y-2" data-testid="article-cover">
      <span className="text-[13px] font-medium text-fg">{t("articles.fields.cover")}</span>
      <div className="flex flex-wrap items-center gap-3">
        <div className="flex h-20 w-36 shrink-0 items-center justify-center overflow-hidden rounded-lg border border-line bg-subtle">
          {uploading ? (
            <Spinner className="size-5" />
          ) : url ? (
            <img
              src={url}
              alt=""
              className="size-full object-cover"
              data-testid="article-cover-image"
            />
          ) : (
            <ImageOff className="size-5 text-fg-subtle" aria-hidden />
          )}
        </div>
        <div className="flex flex-wrap gap-2">
          <input
            id={inputId}
            type="file"
            accept={ACCEPTED.join(",")}
            className="peer sr-only"
            onChange={(event) => {
              void upload(event.target.files?.[0]);
              event.target.value = "";
            }}
            data-testid="article-cover-file"
          />
          <label
            htmlFor={inputId}
            className="inline-flex h-8 cursor-pointer items-center gap-1.5 rounded-md border border-line bg-surface px-2.5 text-[13px] font-medium text-fg shadow-xs hover:border-line-strong hover:bg-subtle peer-focus-visible:outline-2 peer-focus-visible:outline-accent"
          >
            <ImagePlus className="size-4" aria-hidden />
            {t("articles.cover.upload")}
          </label>
          <Button size="sm" onClick={() => setPicking((open) => !open)} aria-expanded={picking}>
            <LayoutTemplate className="size-4" aria-hidden />
            {t("articles.cover.card")}
          </Button>
          {cover ? (
            <Button
              size="sm"
              variant="ghost"
              onClick={() => onChange(null)}
              data-testid="article-cover-remove"
            >
              {t("articles.cover.remove")}
            </Button>
          ) : null}
        </div>
      </div>
      {error ? (
        <p className="text-[13px] text-danger" role="alert">
          {error}
        </p>
      ) : null}
      {picking ? (
        <div
          className="rounded-lg border border-line bg-surface p-2"
          data-testid="article-cover-cards"
        >
          {cards.isPending ? (
            <Spinner className="mx-auto my-3 size-5" />
          ) : (cards.data?.items.length ?? 0) === 0 ? (
            <p className="p-2 text-[13px] text-fg-subtle">{t("articles.cover.noCards")}</p>
          ) : (
            <ul className="grid grid-cols-3 gap-2 sm:grid-cols-6">
              {cards.data?.items.map((card) => (
                <li key={card.id}>
                  <button
                    type="button"
                    className="block w-full overflow-hidden rounded-md border border-line hover:border-accent"
                    onClick={() => {
                      setPreviews((known) => ({ ...known, [card.id]: sameOriginPath(card.url) }));
                      onChange({ kind: "card", id: card.id });
                      setPicking(false);
                    }}
                    aria-label={t("articles.cover.useCard")}
                  >
                    <img
                      src={sameOriginPath(card.thumbnailUrl)}
                      alt=""
                      className="aspect-video w-full object-cover"
                    />
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      ) : null}
    </div>
  );
}
