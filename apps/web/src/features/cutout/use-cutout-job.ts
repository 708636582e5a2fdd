import { useCallback, useEffect, useRef, useState } from "react";

import { readApiFailure } from "../../lib/errors";
import type { ApiFailure } from "../../lib/errors";
import { trpc } from "../../lib/trpc";
import { uploadImage } from "../studio/upload-image";
import type { TaskItem } from "../tasks/types";
import { isUploadable, isViewable } from "./photo-files";
import type { CutoutItem, CutoutOptionsInput, CutoutOutput, ProcessResult } from "./types";

export type JobState =
  /** The photo is on its way through `POST /api/uploads` (0 to 1). */
  | { phase: "uploading"; progress: number }
  /** The model is at work; a photo sent as form data is still being sent at first. */
  | { phase: "removing"; sending: boolean; since: number }
  /** A big photo became a task: it is followed live until it is done. */
  | { phase: "queued"; task: TaskItem }
  /** `at`: when it failed, from which a busy server's retry hint counts. */
  | { phase: "failed"; failure: ApiFailure; at: number };

/** One photo on its way to being cut out. */
export interface CutoutJob {
  /** Counts up with every photo, so an older photo's answer is never taken for a newer one. */
  id: number;
  fileName: string;
  /** The photo from this computer, to show while it is processed (null when unviewable). */
  preview: string | null;
  state: JobState;
}

export interface CutoutJobControls {
  job: CutoutJob | null;
  /** Sends a photo (what `photoProblem` passed) with these options. */
  start: (file: File, options: CutoutOptionsInput) => void;
  /** Forgets the photo in progress (the server finishes it anyway; it appears in the list). */
  clear: () => void;
  /** Puts a failure on the job, e.g. a queued photo whose task failed. */
  fail: (jobId: number, failure: ApiFailure) => void;
}

/**
 * Sends one photo to `cutout.process` and reports each step. PNG, JPEG and WebP up to the upload
 * limit go through `POST /api/uploads` first, whose progress can be shown; other photos (HEIC,
 * TIFF, AVIF, GIF, or bigger) are sent as form data. `onDone` gets the cut-out once it is made.
 */
export function useCutoutJob(
  onDone: (cutout: CutoutItem, output: CutoutOutput | null) => void,
): CutoutJobControls {
  const utils = trpc.useUtils();
  const process = trpc.cutout.process.useMutation({ meta: { errorToast: false } });
  const { mutateAsync } = process;
  const [job, setJob] = useState<CutoutJob | null>(null);
  const counter = useRef(0);
  const upload = useRef<AbortController | null>(null);
  const done = useRef(onDone);
  useEffect(() => {
    done.current = onDone;
  }, [onDone]);

  // The preview's object URL goes with its job.
  const preview = job?.preview ?? null;
  useEffect(() => () => (preview ? URL.revokeObjectURL(preview) : undefined), [preview]);
  useEffect(() => () => upload.current?.abort(), []);

  const start = useCallback(
    (file: File, options: CutoutOptionsInput) => {
      upload.current?.abort();
      const id = ++counter.current;
      const current = () => counter.current === id;
      const update = (state: JobState) => {
        if (current())
          setJob((previous) => (previous?.id === id ? { ...previous, state } : previous));
      };
      const viaUpload = isUploadable(file);
      setJob({
        id,
        fileName: file.name,
        preview: isViewable(file) ? URL.createObjectURL(file) : null,
        state: viaUpload
          ? { phase: "uploading", progress: 0 }
          : { phase: "removing", sending: true, since: Date.now() },
      });

      const asForm = () => {
        const form = new FormData();
        form.set("image", file);
        form.set("options", JSON.stringify(options));
        update({ phase: "removing", sending: true, since: Date.now() });
        return mutateAsync(form);
      };

      void (async () => {
        let result: ProcessResult;
        try {
          if (viaUpload) {
            const controller = new AbortController();
            upload.current = controller;
            let uploadId: string | null = null;
            try {
              const uploaded = await uploadImage(file, {
                signal: controller.signal,
                onProgress: (progress) => update({ phase: "uploading", progress }),
              });
              uploadId = uploaded.id;
            } catch (error) {
              if (controller.signal.aborted || !current()) return;
              // A server with a lower upload limit still takes the photo as form data.
              if (readApiFailure(error).code !== "PAYLOAD_TOO_LARGE") throw error;
            } finally {
              if (upload.current === controller) upload.current = null;
            }
            if (!current()) return;
            if (uploadId) {
              update({ phase: "removing", sending: false, since: Date.now() });
              result = await mutateAsync({ uploadId, options });
            } else {
              result = await asForm();
            }
          } else {
            result = await asForm();
          }
        } catch (error) {
          if (!current()) return;
          const failure = readApiFailure(error);
          if (failure.code === "UNAUTHORIZED") void utils.auth.session.invalidate();
          update({ phase: "failed", failure, at: Date.now() });
          return;
        }
        if (!current()) return;
        if (result.status === "queued") {
          update({ phase: "queued", task: result.task });
          return;
        }
        void utils.cutout.list.invalidate();
        done.current(result.cutout, result.output);
        setJob((previous) => (previous?.id === id ? null : previous));
      })();
    },
    [mutateAsync, utils],
  );

  const clear = useCallback(() => {
    counter.current += 1;
    upload.current?.abort();
    setJob(null);
  }, []);

  const fail = useCallback((jobId: number, failure: ApiFailure) => {
    setJob((previous) =>
      previous?.id === jobId
        ? { ...previous, state: { phase: "failed", failure, at: Date.now() } }
        : previous,
    );
  }, []);

  return { job, start, clear, fail };
}
