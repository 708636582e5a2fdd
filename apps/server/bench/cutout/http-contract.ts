// How the benchmark calls GenFlow's cut-out route, `POST /api/cutout`: multipart/form-data with
// the photo as the file field `image` and the options as the text field `options` (JSON of
// `CutoutOptions`), answered with 200, the image's bytes (Content-Type image/png) and a
// `Server-Timing` header; signed in by `Authorization: Bearer <API key>`. This is the one place
// to adapt when the route changes.
import { BENCH_TIER } from "./model";

export const CUTOUT_PATH = "/api/cutout";
export const CUTOUT_STATUS = 200;
export const CUTOUT_CONTENT_TYPE = "image/png";

export function cutoutForm(bytes: Uint8Array, file: string): FormData {
  const form = new FormData();
  form.append("image", new Blob([bytes], { type: "image/jpeg" }), file);
  form.append("options", JSON.stringify({ tier: BENCH_TIER }));
  return form;
}

/** `decode;dur=12.3, infer;desc="model";dur=1800` → { decode: 12.3, infer: 1800 }. */
export function parseServerTiming(header: string | null): Record<string, number> {
  const timings: Record<string, number> = {};
  for (const entry of (header ?? "").split(",")) {
    const [name, ...params] = entry.split(";").map((s) => s.trim());
    if (!name) continue;
    const dur = params.find((p) => p.startsWith("dur="));
    const value = dur ? Number(dur.slice(4)) : Number.NaN;
    if (Number.isFinite(value)) timings[name] = value;
  }
  return timings;
}
