import { useTranslation } from "react-i18next";

import { sameOriginPath } from "../studio/same-origin";
import { BeforeAfter } from "./before-after";
import { CROP_MARGIN, cssBackgroundOf, transparentLayerOf } from "./cutout-options";
import type { CutoutSettings } from "./cutout-options";
import { WHOLE_PHOTO } from "./subject-box";
import type { CutoutItem } from "./types";
import type { ComposedOutput } from "./use-composed-output";
import { useSubjectBox } from "./use-subject-box";

/** Photo types a browser shows; others (TIFF, HEIF) are shown from the server's WebP copy. */
const VIEWABLE = new Set(["image/jpeg", "image/png", "image/webp", "image/avif", "image/gif"]);

/** The photo as this browser can show it: the original, or the server's WebP copy of it. */
function photoUrlOf(cutout: CutoutItem): string {
  return sameOriginPath(VIEWABLE.has(cutout.sourceMime) ? cutout.sourceUrl : cutout.previewUrl);
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
}: {
  cutout: CutoutItem;
  settings: CutoutSettings;
  composed: ComposedOutput;
}) {
  const { t } = useTranslation();
  const photoUrl = photoUrlOf(cutout);
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
