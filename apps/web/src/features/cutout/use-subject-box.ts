import { useEffect, useState } from "react";

import { sameOriginPath } from "../studio/same-origin";
import { WHOLE_PHOTO, subjectBoxOf } from "./subject-box";
import type { PhotoBox } from "./subject-box";

/** The mask is read at most this many pixels on a side: plenty for a preview's crop. */
const MAX_SIDE = 1024;

/** Reads the mask (a grey PNG, same origin) into a canvas and finds the box around the subject. */
async function boxOfMask(
  url: string,
  margin: number,
  signal: AbortSignal,
): Promise<PhotoBox | null> {
  const image = new Image();
  image.decoding = "async";
  image.src = url;
  await image.decode();
  signal.throwIfAborted();
  const scale = Math.min(1, MAX_SIDE / Math.max(image.naturalWidth, image.naturalHeight));
  const width = Math.max(1, Math.round(image.naturalWidth * scale));
  const height = Math.max(1, Math.round(image.naturalHeight * scale));
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext("2d", { willReadFrequently: true });
  if (!context) return null;
  context.drawImage(image, 0, 0, width, height);
  return subjectBoxOf(context.getImageData(0, 0, width, height).data, width, height, margin, 4);
}

/**
 * Where the crop will fall, for the instant preview: the box around the subject, read from the
 * cut-out's mask while cropping is on. Null until known; the whole photo when the mask holds no
 * subject (the server then leaves the photo uncropped too) or cannot be read.
 */
export function useSubjectBox(
  cutout: { id: string; maskUrl: string } | null,
  margin: number | null,
): PhotoBox | null {
  const [found, setFound] = useState<{ key: string; box: PhotoBox } | null>(null);
  const key = cutout && margin !== null ? `${cutout.id}:${margin}` : null;
  const url = cutout ? sameOriginPath(cutout.maskUrl) : null;
  useEffect(() => {
    if (key === null || url === null) return;
    const controller = new AbortController();
    boxOfMask(url, margin ?? 0, controller.signal).then(
      (box) => {
        if (!controller.signal.aborted) setFound({ key, box: box ?? WHOLE_PHOTO });
      },
      () => {
        if (!controller.signal.aborted) setFound({ key, box: WHOLE_PHOTO });
      },
    );
    return () => controller.abort();
  }, [key, url, margin]);
  return found?.key === key ? found.box : null;
}
