import { Cpu } from "lucide-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { toast } from "sonner";

import { Alert } from "../../components/ui/alert";
import { Button } from "../../components/ui/button";
import { Skeleton } from "../../components/ui/skeleton";
import { readApiFailure, readErrorDetails } from "../../lib/errors";
import { newIdempotencyKey, useIdempotencyKey } from "../../lib/idempotency-key";
import { trpc } from "../../lib/trpc";
import { inputIssuesOf } from "../tasks/task-details";
import type { ImageRequestInput } from "../tasks/task-details";
import { useTaskUpdates } from "../tasks/use-task-updates";
import { AiImageForm } from "./ai-image-form";
import { AiImageGallery } from "./ai-image-gallery";
import { INITIAL_IMAGE_DRAFT, draftFromRequest, imageRequestOf } from "./ai-image-request";
import type { ImageDraft } from "./ai-image-request";
import type { ImageProviderInfo } from "./types";

const PROVIDER_NAMES = { volcengine: "VolcEngine", openai: "OpenAI" } as const;

/** Whether this server can make images: an honest notice when it cannot, never fake results. */
function ProviderStatus({
  provider,
}: {
  provider: {
    isPending: boolean;
    isError: boolean;
    data: ImageProviderInfo | undefined;
    refetch: () => Promise<unknown>;
  };
}) {
  const { t } = useTranslation();
  if (provider.isPending) return <Skeleton className="h-12 rounded-lg" />;
  if (provider.isError) {
    return (
      <div data-testid="ai-provider-unknown">
        <Alert tone="warning" title={t("studio.ai.providerUnknown")}>
          <Button size="sm" className="mt-1.5" onClick={() => void provider.refetch()}>
            {t("common.retry")}
          </Button>
        </Alert>
      </div>
    );
  }
  if (!provider.data?.configured) {
    return (
      <div data-testid="ai-provider-missing">
        <Alert tone="warning" title={t("studio.ai.notConfiguredTitle")}>
          {t("studio.ai.notConfigured")}
        </Alert>
      </div>
    );
  }
  const name = provider.data.provider ? PROVIDER_NAMES[provider.data.provider] : null;
  return (
    <p className="flex items-center gap-2 text-[13px] text-fg-muted" data-testid="ai-provider">
      <Cpu className="size-4 text-fg-subtle" aria-hidden />
      {t("studio.ai.providerLine", {
        provider: name ?? t("studio.ai.providerUnnamed"),
        model: provider.data.model ?? "—",
      })}
    </p>
  );
}

/**
 * AI images at /studio/image: a prompt and its options on one side, the caller's image tasks
 * (live) on the other. Generating is offered only when the server has an image provider.
 */
export function AiImageTab() {
  const { t } = useTranslation();
  const utils = trpc.useUtils();
  const [draft, setDraft] = useState<ImageDraft>(INITIAL_IMAGE_DRAFT);
  const idempotency = useIdempotencyKey();
  // The gallery's tasks change as they run: keep them live while this tab is open.
  useTaskUpdates();
  const provider = trpc.generate.imageProvider.useQuery(undefined, {
    staleTime: 5 * 60_000,
    retry: false,
    meta: { errorToast: false },
  });
  const configured = provider.data?.configured === true;

  const generate = trpc.generate.image.useMutation({
    meta: { errorToast: false },
    onSuccess: ({ created }) => {
      idempotency.reset();
      void utils.tasks.list.invalidate();
      if (!created) toast.info(t("studio.ai.alreadySent"));
    },
  });
  const regenerate = trpc.generate.image.useMutation({
    onSuccess: () => void utils.tasks.list.invalidate(),
  });
  const [regeneratingId, setRegeneratingId] = useState<string | null>(null);

  const failure = generate.error ? readApiFailure(generate.error) : null;
  const failureIssues = generate.error ? inputIssuesOf(readErrorDetails(generate.error), t) : [];
  const retryAt =
    failure?.retryAfterMs != null ? generate.submittedAt + failure.retryAfterMs : null;

  const submit = () => {
    const image = imageRequestOf(draft);
    if (!image || !configured || generate.isPending) return;
    generate.mutate({ image, idempotencyKey: idempotency.keyFor(image) });
  };

  const change = (next: ImageDraft) => {
    if (generate.error) generate.reset();
    setDraft(next);
  };

  return (
    <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,1.25fr)]">
      <div className="min-w-0 space-y-4 lg:sticky lg:top-20">
        <ProviderStatus provider={provider} />
        <AiImageForm
          draft={draft}
          onChange={change}
          onSubmit={submit}
          disabled={!configured}
          submitting={generate.isPending}
          failure={failure}
          failureIssues={failureIssues}
          retryAt={retryAt}
        />
      </div>
      <div className="min-w-0">
        <AiImageGallery
          canGenerate={configured}
          regeneratingId={regenerate.isPending ? regeneratingId : null}
          onRegenerate={(task, image: ImageRequestInput) => {
            setRegeneratingId(task.id);
            // A new set of images from the same request: a new task, so a new key.
            regenerate.mutate({ image, idempotencyKey: newIdempotencyKey() });
          }}
          onReuse={(image) => {
            change(draftFromRequest(image));
            window.scrollTo({ top: 0, behavior: "smooth" });
            toast.success(t("studio.ai.reused"));
          }}
        />
      </div>
    </div>
  );
}
