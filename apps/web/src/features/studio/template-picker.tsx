import { useQueries } from "@tanstack/react-query";
import { LayoutTemplate } from "lucide-react";
import { useTranslation } from "react-i18next";

import { Skeleton } from "../../components/ui/skeleton";
import { cx } from "../../lib/cx";
import { trpc } from "../../lib/trpc";
import { templateDescription, templateName } from "./labels";
import { SvgImage } from "./svg-image";
import type { CardTemplate } from "./types";

/** Each template's sample, rendered once per language, as the picker's thumbnails. */
function useThumbnails(templates: readonly CardTemplate[], language: "en" | "zh") {
  const utils = trpc.useUtils();
  return useQueries({
    queries: templates.map((template) => ({
      queryKey: ["studio", "thumbnail", template.id, template.version, language],
      queryFn: async ({ signal }: { signal: AbortSignal }) => {
        const preview = await utils.client.generate.preview.mutate(
          {
            templateId: template.id,
            fields: {
              ...template.defaults,
              ...(language === "zh" ? template.sampleZh : template.sample),
            },
            size: { preset: "og" },
            theme: { preset: "light" },
            format: "svg",
          },
          { signal },
        );
        return preview.svg;
      },
      staleTime: Number.POSITIVE_INFINITY,
      retry: false,
      // A missing thumbnail shows a placeholder; it is not worth a notification.
      meta: { errorToast: false },
    })),
  });
}

/** The templates as a row of radio buttons with rendered samples. */
export function TemplatePicker({
  templates,
  value,
  onChange,
  language,
}: {
  templates: readonly CardTemplate[];
  value: string;
  onChange: (template: CardTemplate) => void;
  language: "en" | "zh";
}) {
  const { t } = useTranslation();
  const thumbnails = useThumbnails(templates, language);
  return (
    <fieldset className="mb-6 min-w-0" data-testid="template-picker">
      <legend className="sr-only">{t("studio.templates.label")}</legend>
      {/* A row to swipe through on phones, a grid from tablets up. */}
      <div className="-mx-4 -my-1 flex snap-x snap-mandatory scroll-px-4 gap-3 overflow-x-auto px-4 py-1 sm:m-0 sm:grid sm:grid-cols-2 sm:overflow-visible sm:p-0 lg:grid-cols-4">
        {templates.map((template, index) => {
          const thumbnail = thumbnails[index];
          const name = templateName(t, template);
          const descriptionId = `template-${template.id}-description`;
          return (
            <label
              key={template.id}
              className="group relative block w-[62%] min-w-0 shrink-0 cursor-pointer snap-start sm:w-auto"
            >
              <input
                type="radio"
                name="template"
                value={template.id}
                checked={template.id === value}
                onChange={() => onChange(template)}
                aria-label={name}
                aria-describedby={descriptionId}
                className="peer sr-only"
                data-testid={`template-${template.id}`}
              />
              <span
                className={cx(
                  "flex h-full flex-col overflow-hidden rounded-xl border border-line bg-surface shadow-xs transition-[border-color,box-shadow]",
                  "group-hover:border-line-strong",
                  "peer-checked:border-accent peer-checked:ring-2 peer-checked:ring-accent/35",
                  "peer-focus-visible:outline-2 peer-focus-visible:outline-offset-2 peer-focus-visible:outline-accent",
                )}
              >
                <span className="block aspect-[1200/630] border-b border-line bg-subtle">
                  {thumbnail?.data ? (
                    <SvgImage
                      svg={thumbnail.data}
                      alt=""
                      className="block size-full object-cover"
                    />
                  ) : thumbnail?.isError ? (
                    <span className="flex size-full flex-col items-center justify-center gap-1 text-xs text-fg-subtle">
                      <LayoutTemplate className="size-5" aria-hidden />
                      {t("studio.templates.noPreview")}
                    </span>
                  ) : (
                    <Skeleton className="size-full rounded-none" />
                  )}
                </span>
                <span className="block px-3 py-2.5">
                  <span className="block truncate text-[13px] font-semibold text-fg">{name}</span>
                  <span id={descriptionId} className="mt-0.5 line-clamp-2 text-xs text-fg-muted">
                    {templateDescription(t, template)}
                  </span>
                </span>
              </span>
            </label>
          );
        })}
      </div>
    </fieldset>
  );
}
