/** A part of the photo, in fractions of its width and height (0 to 1). */
export interface PhotoBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

export const WHOLE_PHOTO: PhotoBox = { left: 0, top: 0, width: 1, height: 1 };

/**
 * The box the server crops to (see `subjectBox` in core): around every pixel of the mask at or
 * above half opacity, grown by `margin` of the box's larger side and kept inside the photo.
 * Reads one value of every `channels` (a canvas gives RGBA; a grey mask has R = alpha). On a
 * scaled-down mask it is close, not exact: it is for the preview, the file is the server's.
 * Null when nothing of the subject is left.
 */
export function subjectBoxOf(
  mask: ArrayLike<number>,
  width: number,
  height: number,
  margin: number,
  channels = 1,
): PhotoBox | null {
  let left = width;
  let top = height;
  let right = -1;
  let bottom = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if ((mask[(row + x) * channels] ?? 0) < 128) continue;
      if (x < left) left = x;
      if (x > right) right = x;
      if (y < top) top = y;
      if (y > bottom) bottom = y;
    }
  }
  if (right < 0) return null;
  const grow = Math.round(Math.max(right - left + 1, bottom - top + 1) * margin);
  left = Math.max(0, left - grow);
  top = Math.max(0, top - grow);
  right = Math.min(width - 1, right + grow);
  bottom = Math.min(height - 1, bottom + grow);
  return {
    left: left / width,
    top: top / height,
    width: (right - left + 1) / width,
    height: (bottom - top + 1) / height,
  };
}

/**
 * Where a layer the size of the whole photo goes so that `box` fills its frame: its size and
 * offset in percent of the frame (CSS `width`, `height`, `left`, `top`).
 */
export function layerPlacement(box: PhotoBox): {
  width: string;
  height: string;
  left: string;
  top: string;
} {
  const percent = (value: number) => `${Number((value * 100).toFixed(4))}%`;
  return {
    width: percent(1 / box.width),
    height: percent(1 / box.height),
    left: percent(-box.left / box.width),
    top: percent(-box.top / box.height),
  };
}
