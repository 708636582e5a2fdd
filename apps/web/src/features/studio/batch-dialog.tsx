import { Boxes, RotateCcw, X } from "lucide-react";
import { useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { toast } from "sonner";

import { FormFailureAlert, useSecondsUntil } from "../../components/form-failure";
import { Button } from "../../components/ui/button";
import { Dialog } from "../../components/ui/dialog";
import { readApiFailure, readErrorDetails } from "../../lib/errors";
import { useIdempotencyKey } from "../../lib/idempotency-key";
import { trpc } from "../../lib/trpc";
import { canCancel, inputIssuesOf } from "../tasks/task-details";
import type { TaskItem } from "../tasks/types";
import { useTaskActions } from "../tasks/use-task-actions";
import { useWatchedTask } from "../tasks/use-watched-task";
import {
  DEFAULT_FILE_NAME_PATTERN,
  batchProblem,
  exampleCsv,
  readBatchData,
  rowCountOf,
} from "./batch-data";
import { BatchForm } from "./batch-form";
import type { BatchFormValue } from "./batch-form";
import { BatchWatch } from "./batch-watch";
import type { FieldSpec, FormValues } from "./schema-fields";
import type { CardInput } from "./types";

/** What every card of the batch shares: the editor's template, size, theme and output. */
export type BatchSettings = Pick<
  CardInput,
  "templateId" | "size" | "theme" | "format" | "scale" | "visibility"
>;

function Watching({ task }: { task: TaskItem }) {
  const watched = useWatchedTask(task.id, task);
  return <BatchWatch watched={watched} />;
}

/** Stop, start over, close; the task's status comes from the cache the watcher keeps current. */
function WatchingActions({
  task,
  onNew,
  onClose,
}: {
  task: TaskItem;
  onNew: () => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const detail = trpc.tasks.byId.useQuery({ id: task.id }, { meta: { errorToast: false } });
  const { cancel } = useTaskActions();
  const current = detail.data && detail.data.lastSeq >= task.lastSeq ? detail.data : task;
  return (
    <>
      {canCancel(current) ? (
        <Button
          variant="danger-ghost"
          onClick={() => cancel.mutate({ id: current.id })}
          loading={cancel.isPending}
          data-testid="batch-cancel"
        >
          {cancel.isPending ? null : <X className="size-4" aria-hidden />}
          {t("studio.batch.cancelTask")}
        </Button>
      ) : null}
      <Button onClick={onNew} data-testid="batch-new">
        <RotateCcw className="size-4" aria-hidden />
        {t("studio.batch.again")}
      </Button>
      <Button variant="primary" onClick={onClose}>
        {t("common.close")}
      </Button>
    </>
  );
}

/**
 * Many cards at once: rows of CSV or JSON (pasted or from a file) fill the current template, each
 * card with the editor's design. Sending creates a `cards.batch` task, watched live right here.
 */
export function BatchDialog({
  open,
  onClose,
  specs,
  values,
  settings,
  description,
}: {
  open: boolean;
  onClose: () => void;
  specs: readonly FieldSpec[];
  values: FormValues;
  /** Null while the design cannot be sent (a bad custom size). */
  settings: BatchSettings | null;
  description: string;
}) {
  const { t } = useTranslation();
  const utils = trpc.useUtils();
  const [form, setForm] = useState<BatchFormValue>({
    text: "",
    fileName: null,
    pattern: DEFAULT_FILE_NAME_PATTERN,
  });
  const [sent, setSent] = useState<TaskItem | null>(null);
  const idempotency = useIdempotencyKey();
  const data = useMemo(() => readBatchData(form.text), [form.text]);
  const problem = batchProblem(data);
  const rows = rowCountOf(data);

  const create = trpc.generate.batch.useMutation({
    meta: { errorToast: false },
    onSuccess: ({ task, created }) => {
      setSent(task);
      idempotency.reset();
      void utils.tasks.list.invalidate();
      if (!created) toast.info(t("studio.batch.alreadySent"));
    },
  });
  const failure = create.error ? readApiFailure(create.error) : null;
  const issues = create.error ? inputIssuesOf(readErrorDetails(create.error), t) : [];
  const retryAt = failure?.retryAfterMs != null ? create.submittedAt + failure.retryAfterMs : null;
  const secondsLeft = useSecondsUntil(retryAt);
  // The refusal shows under the form: bring it into view.
  const failureRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (create.error) failureRef.current?.scrollIntoView({ behavior: "smooth", block: "nearest" });
  }, [create.error]);

  const submit = () => {
    if (!settings || problem || create.isPending) return;
    const pattern = form.pattern.trim();
    const batch = {
      ...settings,
      ...(data.kind === "csv"
        ? { csv: data.csv }
        : data.kind === "json"
          ? { rows: data.rows }
          : {}),
      ...(pattern && pattern !== DEFAULT_FILE_NAME_PATTERN ? { fileName: pattern } : {}),
    };
    create.mutate({ batch, idempotencyKey: idempotency.keyFor(batch) });
  };

  const change = (next: BatchFormValue) => {
    if (create.error) create.reset();
    setForm(next);
  };

  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={t("studio.batch.title")}
      description={description}
      size="lg"
      footer={
        sent ? (
          <WatchingActions
            key={sent.id}
            task={sent}
            onNew={() => {
              create.reset();
              setSent(null);
            }}
            onClose={onClose}
          />
        ) : (
          <>
            <Button onClick={onClose}>{t("common.cancel")}</Button>
            <Button
              variant="primary"
              onClick={submit}
              loading={create.isPending}
              disabled={!settings || problem !== null || create.isPending || secondsLeft > 0}
              data-testid="batch-submit"
            >
              {create.isPending ? null : <Boxes className="size-4" aria-hidden />}
              {create.isPending
                ? t("studio.batch.sending")
                : t("studio.batch.submit", { count: rows })}
            </Button>
          </>
        )
      }
    >
      {sent ? (
        <Watching key={sent.id} task={sent} />
      ) : (
        <div className="space-y-4">
          {!settings ? (
            <p className="text-[13px] text-danger" role="alert">
              {t("studio.batch.invalidDesign")}
            </p>
          ) : null}
          <BatchForm
            specs={specs}
            value={form}
            data={data}
            onChange={change}
            onExample={() => change({ ...form, text: exampleCsv(specs, values), fileName: null })}
            onFileError={(name) => toast.error(t("studio.batch.fileFailed", { name }))}
          />
          {failure ? (
            <div data-testid="batch-failure" ref={failureRef} className="scroll-mt-4">
              <FormFailureAlert failure={failure} secondsLeft={secondsLeft} issues={issues} />
            </div>
          ) : null}
        </div>
      )}
    </Dialog>
  );
}
