import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";

import { trpc } from "../../lib/trpc";
import { sameOriginPath } from "../studio/same-origin";
import { BeforeAfter } from "./before-after";
import { CROP_MARGIN, cssBackgroundOf, findOutput, transparentLayerOf } from "./cutout-options";
import type { CutoutSettings } from "./cutout-options";
import { WHOLE_PHOTO } from "./subject-box";
import type { CutoutItem, OutputOptionsInput } from "./types";
import type { ComposedOutput } from "./use-composed-output";
import { useSubjectBox } from "./use-subject-box";

/** Photo types a browser shows; others (HEIC, TIFF) are shown from a copy the server makes. */
const VIEWABLE = new Set(["image/jpeg", "image/png", "image/webp", "image/avif", "image/gif"]);

/**
 * The photo as this browser can show it: the original, or, for a HEIC or TIFF photo, a WebP the
 * server makes of it (the photo behind itself, blurred by the smallest amount: the photo).
 */
const PHOTO_COPY: OutputOptionsInput = {
  output: "image",
  format: "webp",
  background: { type: "blur", sigma: 0.5 },
};

function usePhotoUrl(cutout: CutoutItem, onCutout: (cutout: CutoutItem) => void): string | null {
  const viewable = VIEWABLE.has(cutout.sourceMime);
  const copy = viewable ? undefined : findOutput(cutout, PHOTO_COPY);
  const make = trpc.cutout.compose.useMutation({
    meta: { errorToast: false },
    onSuccess: (result) => onCutout(result.cutout),
  });
  const { mutate } = make;
  const asked = useRef<string | null>(null);
  useEffect(() => {
    if (viewable || copy || asked.current === cutout.id) return;
    asked.current = cutout.id;
    mutate({ id: cutout.id, options: PHOTO_COPY });
  }, [viewable, copy, cutout.id, mutate]);
  if (viewable) return sameOriginPath(cutout.sourceUrl);
  return copy ? sameOriginPath(copy.url) : null;
}

/**
 * The open cut-out in the before/after view, drawn at once for the current settings (the
 * transparent layer over the background, cropped where the mask says) and then shown from the
 * server's file for them as soon as it is ready.
 */
export function CutoutStage({
  cutout,
  settings,
  composed,
  onCutout,
}: {
  cutout: CutoutItem;
  settings: CutoutSettings;
  composed: ComposedOutput;
  onCutout: (cutout: CutoutItem) => void;
}) {
  const { t } = useTranslation();
  const photoUrl = usePhotoUrl(cutout, onCutout);
  const subjectBox = useSubjectBox(cutout, settings.crop ? CROP_MARGIN : null);
  const boxKnown = !settings.crop || subjectBox !== null;
  const box = settings.crop ? (subjectBox ?? WHOLE_PHOTO) : WHOLE_PHOTO;
  const layer = transparentLayerOf(cutout);
  const result = boxKnown ? composed.output : null;
  const photo = { width: cutout.width, height: cutout.height };
  const frame = result
    ? { width: result.width, height: result.height }
    : { width: photo.width * box.width, height: photo.height * box.height };
  const name = cutout.fileName ?? t("cutout.recent.untitled");

  if (!photoUrl) {
    return (
      // The photo's own shape while its viewable copy is made.
      <div
        aria-hidden
        className="mx-auto w-full animate-pulse rounded-lg bg-muted"
        style={{ aspectRatio: `${photo.width} / ${photo.height}`, maxHeight: "68vh" }}
      />
    );
  }
  return (
    <BeforeAfter
      name={name}
      photoUrl={photoUrl}
      photo={photo}
      box={box}
      frame={frame}
      layerUrl={layer ? sameOriginPath(layer.url) : null}
      background={{
        css: cssBackgroundOf(settings),
        imageUrl: settings.background === "image" && settings.image ? settings.image.url : null,
        blurSigma: settings.background === "blur" ? settings.blur : null,
      }}
      resultUrl={result ? sameOriginPath(result.url) : null}
    />
  );
}
