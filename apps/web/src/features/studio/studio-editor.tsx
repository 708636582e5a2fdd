import { useEffect, useMemo, useRef, useState } from "react";
import type { Dispatch, KeyboardEvent, SetStateAction } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";

import { trpc } from "../../lib/trpc";
import { BatchDialog } from "./batch-dialog";
import type { BatchSettings } from "./batch-dialog";
import { cardIssuesOf } from "./card-issues";
import { fieldWarnings } from "./card-warnings";
import { ContentForm } from "./content-form";
import {
  SIZE_PRESETS,
  cardInputOf,
  dimensionsOf,
  downloadName,
  previewInputOf,
  sampleValues,
} from "./design";
import type { Design } from "./design";
import { DesignSettings } from "./design-settings";
import type { Draft } from "./draft";
import { templateName } from "./labels";
import { FORMAT_LABELS } from "./format-labels";
import { OutputSettings } from "./output-settings";
import { PreviewPanel } from "./preview-panel";
import { ResultPanel } from "./result-panel";
import type { CreatedResult } from "./result-panel";
import { fieldSpecsOf, headlineOf } from "./schema-fields";
import type { FieldValue } from "./schema-fields";
import { TemplatePicker } from "./template-picker";
import type { CardTemplate } from "./types";
import { useLivePreview } from "./use-live-preview";

/** The editor: template, content, design and output on one side, the live preview on the other. */
export function StudioEditor({
  templates,
  draft,
  setDraft,
  result,
  setResult,
}: {
  templates: readonly CardTemplate[];
  draft: Draft;
  setDraft: Dispatch<SetStateAction<Draft>>;
  result: CreatedResult | null;
  setResult: (result: CreatedResult | null) => void;
}) {
  const { t, i18n } = useTranslation();
  const utils = trpc.useUtils();
  const language = i18n.resolvedLanguage === "zh-CN" ? "zh" : "en";
  const resultRef = useRef<HTMLDivElement>(null);
  const revealResult = useRef(false);
  // `/studio?batch=1` (from the Tasks page) opens the batch dialog.
  const [params, setParams] = useSearchParams();
  const [batchOpen, setBatchOpen] = useState(() => params.get("batch") === "1");
  useEffect(() => {
    if (params.has("batch")) setParams({}, { replace: true });
  }, [params, setParams]);

  const fallback = templates[0];
  const template = templates.find((entry) => entry.id === draft.templateId) ?? fallback;
  if (!template) throw new Error("StudioEditor needs at least one template");
  const specs = useMemo(() => fieldSpecsOf(template.jsonSchema, template.imageFields), [template]);
  const fieldNames = useMemo(() => specs.map((spec) => spec.name), [specs]);
  const stored = draft.values[template.id];
  const values = useMemo(
    () => stored ?? sampleValues(template, language),
    [stored, template, language],
  );
  const { size, theme, format, scale, visibility } = draft;
  const design = useMemo<Design>(
    () => ({ templateId: template.id, values, size, theme, format, scale, visibility }),
    [template.id, values, size, theme, format, scale, visibility],
  );
  const previewInput = useMemo(
    () => previewInputOf(specs, { templateId: template.id, values, size, theme }),
    [specs, template.id, values, size, theme],
  );
  const live = useLivePreview(previewInput);
  const cardInput = useMemo(() => cardInputOf(specs, design), [specs, design]);
  const resultOutdated = useMemo(
    () => result !== null && JSON.stringify(cardInput) !== JSON.stringify(result.input),
    [result, cardInput],
  );

  const create = trpc.generate.card.useMutation({
    meta: { errorToast: false },
    onSuccess: () => void utils.generate.history.invalidate(),
  });

  useEffect(() => {
    if (!result || !revealResult.current) return;
    revealResult.current = false;
    const panel = resultRef.current;
    panel?.scrollIntoView({ behavior: "smooth", block: "nearest" });
    panel?.querySelector<HTMLElement>("[data-result-heading]")?.focus({ preventScroll: true });
  }, [result]);

  const previewIssues = useMemo(
    () => cardIssuesOf(live.error, fieldNames),
    [live.error, fieldNames],
  );
  const createIssues = useMemo(
    () => cardIssuesOf(create.error, fieldNames),
    [create.error, fieldNames],
  );
  const issues = create.error ? createIssues : previewIssues;
  const retryAt =
    createIssues.failure?.retryAfterMs != null
      ? create.submittedAt + createIssues.failure.retryAfterMs
      : null;
  const warnings = useMemo(
    () => fieldWarnings(t, live.preview?.warnings ?? []),
    [t, live.preview?.warnings],
  );

  /** Every change starts from a clean slate: the last Create's errors were about another design. */
  const change = (update: (current: Draft) => Draft) => {
    if (create.error) create.reset();
    setDraft(update);
  };
  const setValue = (name: string, value: FieldValue) =>
    change((current) => ({
      ...current,
      values: {
        ...current.values,
        [template.id]: { ...(current.values[template.id] ?? values), [name]: value },
      },
      missingImages: {
        ...current.missingImages,
        [template.id]: (current.missingImages[template.id] ?? []).filter((field) => field !== name),
      },
    }));

  const submit = () => {
    const input = cardInput;
    const dimensions = dimensionsOf(design.size);
    if (!input || !dimensions || create.isPending) return;
    const filename = downloadName(headlineOf(specs, design.values), template.id);
    create.mutate(input, {
      onSuccess: (card) => {
        revealResult.current = true;
        setResult({ card, input, dimensions, filename });
      },
    });
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      submit();
    }
  };

  const aspect = dimensionsOf(size) ?? SIZE_PRESETS.og;
  const batchSettings = useMemo<BatchSettings | null>(() => {
    if (!cardInput) return null;
    const { fields: _fields, ...settings } = cardInput;
    return settings;
  }, [cardInput]);
  const batchDescription = t("studio.batch.description", {
    template: templateName(t, template),
    size: t("studio.design.dimensions", aspect),
    format: FORMAT_LABELS[format],
  });

  return (
    <>
      <div onKeyDown={onKeyDown}>
        <TemplatePicker
          templates={templates}
          value={template.id}
          language={language}
          onChange={(next) => change((current) => ({ ...current, templateId: next.id }))}
        />
        <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,1.2fr)]">
          <div className="lg:sticky lg:top-20 lg:order-2">
            <PreviewPanel
              live={live}
              issues={previewIssues}
              sizeValid={previewInput !== null}
              aspect={aspect}
            />
          </div>
          <div className="min-w-0 space-y-6 lg:order-1">
            <ContentForm
              specs={specs}
              values={values}
              onChange={setValue}
              onSample={(sample) =>
                change((current) => ({
                  ...current,
                  values: { ...current.values, [template.id]: sampleValues(template, sample) },
                  missingImages: { ...current.missingImages, [template.id]: [] },
                }))
              }
              errors={issues.fields}
              warnings={warnings}
              missingImages={draft.missingImages[template.id] ?? []}
              onDismissMissing={() =>
                change((current) => ({
                  ...current,
                  missingImages: { ...current.missingImages, [template.id]: [] },
                }))
              }
            />
            <DesignSettings
              size={size}
              theme={theme}
              themes={template.themes}
              onSize={(next) => change((current) => ({ ...current, size: next }))}
              onTheme={(next) => change((current) => ({ ...current, theme: next }))}
              errors={issues.settings}
            />
            <OutputSettings
              design={design}
              onFormat={(next) => change((current) => ({ ...current, format: next }))}
              onScale={(next) => change((current) => ({ ...current, scale: next }))}
              onVisibility={(next) => change((current) => ({ ...current, visibility: next }))}
              onCreate={submit}
              onBatch={() => setBatchOpen(true)}
              creating={create.isPending}
              canCreate={previewInput !== null}
              failure={createIssues.failure}
              retryAt={retryAt}
              scaleErrors={issues.settings.scale}
            />
            {result ? (
              <div ref={resultRef} className="scroll-mt-20">
                <ResultPanel result={result} outdated={resultOutdated} />
              </div>
            ) : null}
          </div>
        </div>
      </div>
      {/* Outside the editor: its Ctrl+Enter (create a card) must not fire from the dialog. */}
      <BatchDialog
        open={batchOpen}
        onClose={() => setBatchOpen(false)}
        specs={specs}
        values={values}
        settings={batchSettings}
        description={batchDescription}
      />
    </>
  );
}
