import { ChevronsLeftRight } from "lucide-react";
import { useState } from "react";
import type { CSSProperties } from "react";
import { useTranslation } from "react-i18next";

import { cx } from "../../lib/cx";
import { CHECKERBOARD } from "./checkerboard";
import { layerPlacement } from "./subject-box";
import type { PhotoBox } from "./subject-box";

/** What is drawn behind the subject in the instant preview. */
export interface PreviewBackground {
  /** A colour or gradient (CSS). */
  css: string | null;
  /** An image, scaled to cover and centred. */
  imageUrl: string | null;
  /** The photo itself, blurred by this sigma (pixels of the photo). */
  blurSigma: number | null;
}

export interface Size {
  width: number;
  height: number;
}

/** The frame at most this tall (and as wide as its aspect allows). */
const MAX_HEIGHT = "min(68vh, 640px)";

/** A layer the size of the whole photo, placed so that `box` fills the frame. */
function PhotoLayer({
  src,
  box,
  alt = "",
  style,
  testId,
  onError,
}: {
  src: string;
  box: PhotoBox;
  alt?: string;
  style?: CSSProperties;
  testId?: string;
  onError?: () => void;
}) {
  return (
    <img
      src={src}
      alt={alt}
      draggable={false}
      decoding="async"
      onError={onError}
      className="absolute max-w-none select-none"
      style={{ ...layerPlacement(box), ...style }}
      data-testid={testId}
    />
  );
}

/**
 * The original and the result, one over the other, with a handle to slide between them; over a
 * checkerboard where the result is transparent. The result is drawn at once from the cut-out's
 * transparent layer over the chosen background (colour, gradient, image or blurred photo), and
 * replaced by the server's own file (`resultUrl`) as soon as that is ready.
 */
export function BeforeAfter({
  name,
  photoUrl,
  photo,
  box,
  frame,
  layerUrl,
  background,
  resultUrl,
}: {
  /** The photo's name, for screen readers. */
  name: string;
  photoUrl: string;
  photo: Size;
  /** The part of the photo in the frame (all of it unless cropping). */
  box: PhotoBox;
  /** The frame's size in pixels (only its aspect counts). */
  frame: Size;
  layerUrl: string | null;
  background: PreviewBackground;
  resultUrl: string | null;
}) {
  const { t } = useTranslation();
  const [position, setPosition] = useState(50);
  /** The photo that could not be loaded (its file gone): then only the result is shown. */
  const [brokenPhoto, setBrokenPhoto] = useState<string | null>(null);
  const photoShown = brokenPhoto !== photoUrl;
  const ratio = frame.width / Math.max(1, frame.height);
  const blurPerCqw =
    background.blurSigma === null ? 0 : (background.blurSigma * 100) / (box.width * photo.width);

  return (
    <div className="flex justify-center">
      <div
        className={cx(
          "relative w-full overflow-hidden rounded-lg ring-1 ring-line select-none",
          CHECKERBOARD,
        )}
        style={{
          aspectRatio: `${frame.width} / ${frame.height}`,
          maxHeight: MAX_HEIGHT,
          maxWidth: `calc(${MAX_HEIGHT} * ${ratio.toFixed(4)})`,
          containerType: "inline-size",
        }}
        data-testid="cutout-stage"
      >
        <div
          className="absolute inset-0"
          role="img"
          aria-label={t("cutout.stage.resultAlt", { name })}
          data-testid="cutout-after"
        >
          {background.css ? (
            <div
              className="absolute inset-0"
              style={{ background: background.css }}
              data-testid="cutout-preview-background"
            />
          ) : null}
          {background.imageUrl ? (
            <img
              src={background.imageUrl}
              alt=""
              draggable={false}
              className="absolute inset-0 size-full max-w-none object-cover"
            />
          ) : null}
          {background.blurSigma !== null && photoShown ? (
            <>
              {/* Sharp underneath, so the blur's soft edge fades into the photo, not the checks. */}
              <PhotoLayer src={photoUrl} box={box} />
              <PhotoLayer
                src={photoUrl}
                box={box}
                style={{ filter: `blur(calc(${blurPerCqw.toFixed(4)} * 1cqw))` }}
              />
            </>
          ) : null}
          {layerUrl ? <PhotoLayer src={layerUrl} box={box} testId="cutout-layer" /> : null}
          {resultUrl ? (
            <img
              key={resultUrl}
              src={resultUrl}
              alt=""
              draggable={false}
              className="absolute inset-0 size-full max-w-none"
              data-testid="cutout-result"
            />
          ) : null}
        </div>

        {photoShown ? (
          <div
            className="absolute inset-0"
            style={{ clipPath: `inset(0 ${100 - position}% 0 0)` }}
            data-testid="cutout-before"
          >
            <PhotoLayer
              src={photoUrl}
              box={box}
              alt={t("cutout.stage.originalAlt", { name })}
              onError={() => setBrokenPhoto(photoUrl)}
            />
          </div>
        ) : null}

        {photoShown ? (
          <span className="pointer-events-none absolute top-2.5 left-2.5 rounded-md bg-black/55 px-1.5 py-0.5 text-xs font-medium text-white backdrop-blur-sm">
            {t("cutout.stage.before")}
          </span>
        ) : (
          <span
            className="pointer-events-none absolute top-2.5 left-2.5 rounded-md bg-black/55 px-1.5 py-0.5 text-xs font-medium text-white backdrop-blur-sm"
            data-testid="cutout-photo-missing"
          >
            {t("cutout.stage.photoMissing")}
          </span>
        )}
        <span className="pointer-events-none absolute top-2.5 right-2.5 rounded-md bg-black/55 px-1.5 py-0.5 text-xs font-medium text-white backdrop-blur-sm">
          {t("cutout.stage.after")}
        </span>

        {photoShown ? <Slider position={position} onChange={setPosition} /> : null}
      </div>
    </div>
  );
}

/** The handle: a range input over the whole frame (drag anywhere, arrow keys), drawn as a line. */
function Slider({
  position,
  onChange,
}: {
  position: number;
  onChange: (position: number) => void;
}) {
  const { t } = useTranslation();
  return (
    <>
      <input
        type="range"
        min={0}
        max={100}
        step={1}
        value={position}
        onChange={(event) => onChange(Number(event.target.value))}
        aria-label={t("cutout.stage.compare")}
        aria-valuetext={t("cutout.stage.compareValue", { value: position })}
        className="peer absolute inset-0 z-10 m-0 size-full cursor-ew-resize appearance-none opacity-0"
        data-testid="cutout-compare"
      />
      <div
        aria-hidden
        className="pointer-events-none absolute inset-y-0 w-0.5 -translate-x-1/2 bg-white shadow-[0_0_0_1px_rgb(0_0_0/0.25)]"
        style={{ left: `${position}%` }}
      />
      <div
        aria-hidden
        className="pointer-events-none absolute top-1/2 flex size-9 -translate-x-1/2 -translate-y-1/2 items-center justify-center rounded-full bg-white text-slate-700 shadow-md ring-1 ring-black/15 peer-focus-visible:outline-2 peer-focus-visible:outline-offset-2 peer-focus-visible:outline-accent"
        style={{ left: `${position}%` }}
      >
        <ChevronsLeftRight className="size-4" />
      </div>
    </>
  );
}
