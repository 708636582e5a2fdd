import type { ImageFormat } from "./types";

/** Image formats as people write them. */
export const FORMAT_LABELS: Record<ImageFormat, string> = {
  png: "PNG",
  webp: "WebP",
  jpeg: "JPEG",
  avif: "AVIF",
  svg: "SVG",
};
