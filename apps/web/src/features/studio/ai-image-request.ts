import type { ImageRequestInput } from "../tasks/task-details";

/** The API's limits for `generate.image` (see the `image.generate` kind). */
export const IMAGE_SIDE = { min: 256, max: 2048 } as const;
export const IMAGE_MAX_PROMPT = 2000;
export const IMAGE_MAX_NEGATIVE_PROMPT = 1000;
export const IMAGE_MAX_SEED = 2_147_483_647;
export const IMAGE_COUNTS = [1, 2, 3, 4] as const;
export type ImageCount = (typeof IMAGE_COUNTS)[number];

export const IMAGE_SIZE_PRESETS = {
  square: { width: 1024, height: 1024 },
  portrait: { width: 1024, height: 1536 },
  landscape: { width: 1536, height: 1024 },
} as const;
export type ImageSizePreset = keyof typeof IMAGE_SIZE_PRESETS;
export const IMAGE_SIZE_PRESET_IDS = ["square", "portrait", "landscape"] as const;

export type ImageSizeChoice =
  { kind: "preset"; preset: ImageSizePreset } | { kind: "custom"; width: string; height: string };

/** The AI image form as its controls hold it. */
export interface ImageDraft {
  prompt: string;
  size: ImageSizeChoice;
  count: ImageCount;
  /** Blank for a random seed each time. */
  seed: string;
  negativePrompt: string;
}

export const INITIAL_IMAGE_DRAFT: ImageDraft = {
  prompt: "",
  size: { kind: "preset", preset: "square" },
  count: 1,
  seed: "",
  negativePrompt: "",
};

export interface ImageIssues {
  prompt?: "required" | "tooLong";
  width?: "notInteger" | "outOfRange";
  height?: "notInteger" | "outOfRange";
  seed?: "invalid";
  negativePrompt?: "tooLong";
}

function sideIssue(raw: string): ImageIssues["width"] {
  const value = Number(raw);
  if (raw.trim() === "" || !Number.isInteger(value)) return "notInteger";
  if (value < IMAGE_SIDE.min || value > IMAGE_SIDE.max) return "outOfRange";
  return undefined;
}

/** What the server would refuse in the draft, found before asking it. */
export function imageIssuesOf(draft: ImageDraft): ImageIssues {
  const issues: ImageIssues = {};
  const prompt = draft.prompt.trim();
  if (prompt === "") issues.prompt = "required";
  else if (prompt.length > IMAGE_MAX_PROMPT) issues.prompt = "tooLong";
  if (draft.size.kind === "custom") {
    const width = sideIssue(draft.size.width);
    const height = sideIssue(draft.size.height);
    if (width) issues.width = width;
    if (height) issues.height = height;
  }
  const seed = draft.seed.trim();
  if (seed !== "" && (!/^\d+$/.test(seed) || Number(seed) > IMAGE_MAX_SEED)) {
    issues.seed = "invalid";
  }
  if (draft.negativePrompt.trim().length > IMAGE_MAX_NEGATIVE_PROMPT) {
    issues.negativePrompt = "tooLong";
  }
  return issues;
}

/** Width and height the draft asks for, or null while a custom size is not valid. */
export function imageSizeOf(size: ImageSizeChoice): { width: number; height: number } | null {
  if (size.kind === "preset") return IMAGE_SIZE_PRESETS[size.preset];
  if (sideIssue(size.width) || sideIssue(size.height)) return null;
  return { width: Number(size.width), height: Number(size.height) };
}

/** The request for the draft, or null while it has issues. */
export function imageRequestOf(draft: ImageDraft): ImageRequestInput | null {
  if (Object.keys(imageIssuesOf(draft)).length > 0) return null;
  const size = imageSizeOf(draft.size);
  if (!size) return null;
  const seed = draft.seed.trim();
  const negativePrompt = draft.negativePrompt.trim();
  return {
    prompt: draft.prompt.trim(),
    ...size,
    count: draft.count,
    ...(seed === "" ? {} : { seed: Number(seed) }),
    ...(negativePrompt === "" ? {} : { negativePrompt }),
  };
}

/** The form filled with an earlier request (to tweak it and generate again). */
export function draftFromRequest(request: ImageRequestInput): ImageDraft {
  const preset = IMAGE_SIZE_PRESET_IDS.find(
    (id) =>
      IMAGE_SIZE_PRESETS[id].width === request.width &&
      IMAGE_SIZE_PRESETS[id].height === request.height,
  );
  const count = IMAGE_COUNTS.find((option) => option === request.count) ?? 1;
  return {
    prompt: request.prompt,
    size: preset
      ? { kind: "preset", preset }
      : { kind: "custom", width: String(request.width), height: String(request.height) },
    count,
    seed: request.seed === undefined ? "" : String(request.seed),
    negativePrompt: request.negativePrompt ?? "",
  };
}

/** A seed anywhere in the range the providers take. */
export function randomSeed(random: () => number = Math.random): number {
  return Math.floor(random() * (IMAGE_MAX_SEED + 1));
}
