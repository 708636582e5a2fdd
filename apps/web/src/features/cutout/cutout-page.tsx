import { ImageUp } from "lucide-react";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";

import { PageHeader } from "../../components/page-header";
import { Alert } from "../../components/ui/alert";
import { buttonClass } from "../../components/ui/button";
import { Card } from "../../components/ui/card";
import { Skeleton } from "../../components/ui/skeleton";
import { readApiFailure } from "../../lib/errors";
import { trpc } from "../../lib/trpc";
import { notifyError } from "../errors/notify-error";
import { formatBytes } from "../studio/format-bytes";
import { BatchPanel } from "./batch-panel";
import { CutoutDownloads } from "./cutout-downloads";
import {
  INITIAL_MASK,
  INITIAL_SETTINGS,
  mergeOutputs,
  outputOptionsOf,
  processOptionsOf,
  settingsFromOutput,
} from "./cutout-options";
import type { CutoutSettings, MaskChoice } from "./cutout-options";
import { CutoutSettingsPanel } from "./cutout-settings";
import { CutoutStage } from "./cutout-stage";
import { DropTarget, EmptyDrop, PhotoPicker } from "./drop-zone";
import { JobProgress } from "./job-progress";
import { ModelInfo } from "./model-info";
import { CUTOUT_MAX_BYTES, UPLOAD_MAX_BYTES, photoProblem } from "./photo-files";
import { RecentCutouts } from "./recent-cutouts";
import type { CutoutItem, CutoutOutput } from "./types";
import { useComposedOutput } from "./use-composed-output";
import { useCutoutBatch } from "./use-cutout-batch";
import { useCutoutJob } from "./use-cutout-job";

/** Whether a paste lands in a field of its own (then it is the field's, not a photo). */
function pastedIntoField(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))
  );
}

/** The open cut-out's name, size and model, with a button for the next photo. */
function StageBar({ cutout, onFiles }: { cutout: CutoutItem; onFiles: (files: File[]) => void }) {
  const { t } = useTranslation();
  return (
    <div className="flex flex-wrap items-center justify-between gap-x-3 gap-y-2">
      <div className="min-w-0">
        <h2 className="truncate text-sm font-semibold text-fg" data-testid="cutout-name">
          {cutout.fileName ?? t("cutout.recent.untitled")}
        </h2>
        <p className="text-[13px] text-fg-muted tabular-nums" data-testid="cutout-meta">
          {t("cutout.stage.meta", {
            width: cutout.width,
            height: cutout.height,
            model: cutout.model,
            tier: t(`cutout.tier.${cutout.tier === "fast" ? "fast" : "quality"}`),
          })}
          {cutout.maskOptions["subject"] === "main" ? ` · ${t("cutout.stage.mainSubject")}` : null}
        </p>
      </div>
      <PhotoPicker
        onFiles={onFiles}
        className={buttonClass({ size: "sm" })}
        testId="cutout-file-next"
      >
        <ImageUp className="size-4" aria-hidden />
        {t("cutout.stage.next")}
      </PhotoPicker>
    </div>
  );
}

/**
 * Background removal at /cutout: a photo (dropped, picked or pasted) is cut out on the server,
 * then shown before and after; its background, crop and format change at once without running
 * the model again, and the file is ready to download a moment later. Several photos make a
 * batch (a task, followed live). The caller's cut-outs are listed below, to reopen or delete.
 */
export function CutoutPage() {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? "en";
  const utils = trpc.useUtils();
  const [mask, setMask] = useState<MaskChoice>(INITIAL_MASK);
  const [settings, setSettings] = useState<CutoutSettings>(INITIAL_SETTINGS);
  const [cutout, setCutout] = useState<CutoutItem | null>(null);
  const [refusal, setRefusal] = useState<string | null>(null);

  const open = useCallback((item: CutoutItem, output: CutoutOutput | null) => {
    setCutout(item);
    if (output) setSettings((current) => settingsFromOutput(output.options, current));
  }, []);
  /** A newer copy of the open cut-out (another output made): kept unless another is open now. */
  const refresh = useCallback((incoming: CutoutItem) => {
    setCutout((current) =>
      current?.id === incoming.id ? mergeOutputs(current, incoming) : current,
    );
  }, []);

  const single = useCutoutJob(open);
  const batch = useCutoutBatch();
  const { start: startSingle, clear: clearSingle } = single;
  const { start: startBatch, clear: clearBatch } = batch;
  const working =
    single.job !== null &&
    single.job.state.phase !== "failed" &&
    single.job.state.phase !== "queued";
  const models = trpc.cutout.models.useQuery(undefined, {
    meta: { errorToast: false },
    // Busy or not, the queue changes while a photo is being cut out.
    refetchInterval: working ? 2_000 : 30_000,
  });
  const available = models.data?.available !== false;
  const options = outputOptionsOf(settings);
  const editing = cutout !== null && single.job === null && batch.batch === null;
  const composed = useComposedOutput(editing ? cutout : null, options, refresh);

  const take = useCallback(
    (files: File[]) => {
      if (files.length === 0 || !available) return;
      const request = processOptionsOf(mask, settings);
      if (files.length > 1) {
        setRefusal(null);
        clearSingle();
        startBatch(files, request);
        return;
      }
      const [file] = files;
      if (!file) return;
      const problem = photoProblem(file);
      if (problem) {
        setRefusal(
          problem === "tooLarge"
            ? t("cutout.drop.tooLarge", {
                name: file.name,
                size: formatBytes(file.size, language),
                max: formatBytes(CUTOUT_MAX_BYTES, language),
              })
            : t("cutout.drop.wrongType", { name: file.name }),
        );
        return;
      }
      setRefusal(null);
      clearBatch();
      startSingle(file, request);
    },
    [available, mask, settings, startSingle, clearSingle, startBatch, clearBatch, t, language],
  );

  // A photo pasted anywhere on the page (Ctrl/Cmd+V) is taken like a dropped one.
  useEffect(() => {
    const onPaste = (event: ClipboardEvent) => {
      if (pastedIntoField(event.target)) return;
      const files = [...(event.clipboardData?.files ?? [])];
      if (files.length === 0) return;
      event.preventDefault();
      take(files);
    };
    document.addEventListener("paste", onPaste);
    return () => document.removeEventListener("paste", onPaste);
  }, [take]);

  const openById = (id: string) => {
    utils.cutout.byId.fetch({ id }).then(
      (item) => {
        batch.clear();
        open(item, item.outputs[0] ?? null);
        window.scrollTo({ top: 0, behavior: "smooth" });
      },
      (error: unknown) => notifyError(error),
    );
  };

  let stage;
  if (models.data && !models.data.available) {
    stage = (
      <div data-testid="cutout-unavailable">
        <Alert tone="warning" title={t("cutout.unavailableTitle")}>
          {t("cutout.unavailable")}
        </Alert>
      </div>
    );
  } else if (batch.batch) {
    stage = <BatchPanel batch={batch.batch} onOpen={openById} onClose={batch.clear} />;
  } else if (single.job) {
    const jobId = single.job.id;
    stage = (
      <JobProgress
        job={single.job}
        models={models.data}
        onDone={(item, output) => {
          single.clear();
          open(item, output);
        }}
        onFailed={(failure) => single.fail(jobId, failure)}
        onDismiss={single.clear}
      />
    );
  } else if (cutout) {
    stage = (
      <div className="space-y-4">
        <StageBar cutout={cutout} onFiles={take} />
        <CutoutStage cutout={cutout} settings={settings} composed={composed} />
      </div>
    );
  } else if (models.isPending) {
    stage = <Skeleton className="min-h-80 rounded-lg" />;
  } else {
    stage = (
      <EmptyDrop
        onFiles={take}
        disabled={!available}
        maxSize={formatBytes(CUTOUT_MAX_BYTES, language)}
        uploadMax={formatBytes(UPLOAD_MAX_BYTES, language)}
      />
    );
  }

  return (
    <>
      <PageHeader title={t("cutout.title")} description={t("cutout.subtitle")} />
      <div className="space-y-6">
        <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,1fr)_20rem] xl:grid-cols-[minmax(0,1fr)_22rem]">
          <div className="min-w-0 space-y-3">
            <DropTarget onFiles={take} disabled={!available}>
              <Card className="p-4 sm:p-5" data-testid="cutout-workspace">
                {stage}
              </Card>
            </DropTarget>
            {refusal ? (
              <div data-testid="cutout-refusal">
                <Alert tone="danger" title={refusal} />
              </div>
            ) : null}
            {models.isError ? (
              <p className="text-xs text-fg-subtle">
                {readApiFailure(models.error).message || t("cutout.models.unknown")}
              </p>
            ) : (
              <ModelInfo models={models.data} />
            )}
          </div>
          <div className="min-w-0 lg:sticky lg:top-20">
            <CutoutSettingsPanel
              mask={mask}
              onMask={setMask}
              settings={settings}
              onChange={setSettings}
              footer={
                editing ? (
                  <CutoutDownloads
                    cutout={cutout}
                    settings={settings}
                    composed={composed}
                    onCutout={refresh}
                  />
                ) : null
              }
            />
          </div>
        </div>
        <RecentCutouts
          openId={editing ? cutout.id : null}
          onOpen={(item) => {
            batch.clear();
            single.clear();
            open(item, item.outputs[0] ?? null);
            window.scrollTo({ top: 0, behavior: "smooth" });
          }}
          onDeleted={(id) => {
            if (cutout?.id === id) setCutout(null);
          }}
        />
      </div>
    </>
  );
}
