import { useCallback, useEffect, useRef, useState } from "react";

import { readApiFailure } from "../../lib/errors";
import type { ApiFailure } from "../../lib/errors";
import { newIdempotencyKey } from "../../lib/idempotency-key";
import { trpc } from "../../lib/trpc";
import { failureMessage } from "../errors/notify-error";
import { uploadImage } from "../studio/upload-image";
import type { TaskItem } from "../tasks/types";
import type { BatchUpload } from "./batch-items";
import { selectBatch } from "./photo-files";
import type { PhotoProblem } from "./photo-files";
import type { CutoutOptionsInput } from "./types";

/** Uploads at the same time: enough to keep the line busy, few enough to show steady progress. */
const PARALLEL_UPLOADS = 2;

export interface CutoutBatch {
  /** Counts up with every batch. */
  id: number;
  uploads: BatchUpload[];
  /** Photos from this computer, by upload key, for thumbnails until the results are in. */
  previews: ReadonlyMap<string, string>;
  /** Files refused before anything was sent. */
  refused: { name: string; problem: PhotoProblem | "tooMany" }[];
  /** The upload ids sent to the task, in its order. */
  sent: string[] | null;
  task: TaskItem | null;
  /** Why the task could not be made. */
  failure: ApiFailure | null;
}

/**
 * Several photos at once: each is uploaded (`POST /api/uploads`, with its own progress), then
 * they go to `cutout.batch` together as one task, which the page follows live.
 */
export function useCutoutBatch(): {
  batch: CutoutBatch | null;
  start: (files: File[], options: CutoutOptionsInput) => void;
  clear: () => void;
} {
  const utils = trpc.useUtils();
  const create = trpc.cutout.batch.useMutation({ meta: { errorToast: false } });
  const { mutateAsync } = create;
  const [batch, setBatch] = useState<CutoutBatch | null>(null);
  const counter = useRef(0);
  const controller = useRef<AbortController | null>(null);

  const previews = batch?.previews;
  useEffect(
    () => () => {
      for (const url of previews?.values() ?? []) URL.revokeObjectURL(url);
    },
    [previews],
  );
  useEffect(() => () => controller.current?.abort(), []);

  const start = useCallback(
    (files: File[], options: CutoutOptionsInput) => {
      controller.current?.abort();
      const abort = new AbortController();
      controller.current = abort;
      const id = ++counter.current;
      const { accepted, refused } = selectBatch(files);
      const uploads: BatchUpload[] = accepted.map((file, index) => ({
        key: `${id}-${index}`,
        name: file.name,
        size: file.size,
        status: "waiting",
        progress: 0,
        uploadId: null,
        error: null,
      }));
      setBatch({
        id,
        uploads,
        previews: new Map(
          uploads.map((upload, index) => [
            upload.key,
            URL.createObjectURL(accepted[index] as File),
          ]),
        ),
        refused: refused.map(({ file, problem }) => ({ name: file.name, problem })),
        sent: null,
        task: null,
        failure: null,
      });
      const change = (update: (batch: CutoutBatch) => CutoutBatch) =>
        setBatch((current) => (current?.id === id ? update(current) : current));
      const changeUpload = (key: string, update: Partial<BatchUpload>) =>
        change((current) => ({
          ...current,
          uploads: current.uploads.map((upload) =>
            upload.key === key ? { ...upload, ...update } : upload,
          ),
        }));

      void (async () => {
        const uploadIds: (string | null)[] = accepted.map(() => null);
        let next = 0;
        const worker = async () => {
          while (next < accepted.length && !abort.signal.aborted) {
            const index = next++;
            const file = accepted[index] as File;
            const key = `${id}-${index}`;
            changeUpload(key, { status: "uploading" });
            try {
              const uploaded = await uploadImage(file, {
                signal: abort.signal,
                onProgress: (progress) => changeUpload(key, { progress }),
              });
              uploadIds[index] = uploaded.id;
              changeUpload(key, { status: "uploaded", progress: 1, uploadId: uploaded.id });
            } catch (error) {
              if (abort.signal.aborted) return;
              changeUpload(key, {
                status: "failed",
                error: failureMessage(readApiFailure(error)),
              });
            }
          }
        };
        await Promise.all(Array.from({ length: PARALLEL_UPLOADS }, worker));
        if (abort.signal.aborted) return;
        const sent = uploadIds.filter((uploadId): uploadId is string => uploadId !== null);
        if (sent.length === 0) return;
        change((current) => ({ ...current, sent }));
        try {
          const { task } = await mutateAsync({
            uploadIds: sent,
            options,
            idempotencyKey: newIdempotencyKey(),
          });
          if (abort.signal.aborted) return;
          void utils.tasks.list.invalidate();
          change((current) => ({ ...current, task }));
        } catch (error) {
          if (abort.signal.aborted) return;
          change((current) => ({ ...current, failure: readApiFailure(error) }));
        }
      })();
    },
    [mutateAsync, utils],
  );

  const clear = useCallback(() => {
    counter.current += 1;
    controller.current?.abort();
    controller.current = null;
    setBatch(null);
  }, []);

  return { batch, start, clear };
}
