import { DomainError } from "../errors";

/**
 * Output sizes each provider accepts.
 *
 * VolcEngine (即梦 文生图 3.1, `jimeng_t2i_v31`): any width × height whose area is between
 * 512×512 and 2048×2048 and whose aspect ratio is between 1:3 and 3:1. A request outside is a
 * VALIDATION error; nothing is adjusted. Other req_keys may differ: pass your own limits.
 *
 * OpenAI: a fixed list per model (see `OPENAI_MODELS`). The request is mapped to the listed size
 * with the closest aspect ratio (then the closest area), and the adapter reports the size it
 * used through `onProgress`. Models not in the list (other OpenAI-compatible servers) get the
 * requested size as it is.
 */

export interface AreaRatioLimits {
  minArea: number;
  maxArea: number;
  /** width / height */
  minRatio: number;
  maxRatio: number;
}

export const VOLCENGINE_SIZE_LIMITS: AreaRatioLimits = {
  minArea: 512 * 512,
  maxArea: 2048 * 2048,
  minRatio: 1 / 3,
  maxRatio: 3,
};

/** Throws VALIDATION unless width × height fits the limits. */
export function checkAreaRatio(width: number, height: number, limits: AreaRatioLimits): void {
  const area = width * height;
  const ratio = width / height;
  const problems: string[] = [];
  if (area < limits.minArea || area > limits.maxArea) {
    problems.push(
      `width × height must be between ${limits.minArea} and ${limits.maxArea} pixels (got ${area})`,
    );
  }
  // A small tolerance so 1:3 and 3:1 themselves pass despite floating point.
  if (ratio < limits.minRatio - 1e-9 || ratio > limits.maxRatio + 1e-9) {
    problems.push(
      `width / height must be between ${formatRatio(limits.minRatio)} and ${formatRatio(limits.maxRatio)}`,
    );
  }
  if (problems.length > 0) {
    throw new DomainError("VALIDATION", `Unsupported image size ${width}x${height}`, {
      details: { formErrors: problems, fieldErrors: {} },
    });
  }
}

export interface OpenAiModelRules {
  /** Sizes the model accepts, as [width, height]; absent when any size is passed through. */
  sizes?: readonly (readonly [number, number])[];
  /** The most images one request may ask for (`n`). */
  maxPerRequest: number;
  /** Whether the API accepts `response_format` for this model. */
  acceptsResponseFormat: boolean;
}

/**
 * Per OpenAI's API reference for `POST /images/generations`: the GPT image models take
 * 1024x1024, 1536x1024 and 1024x1536, always answer base64 and reject `response_format`;
 * dall-e-3 takes 1024x1024, 1792x1024 and 1024x1792 with n = 1; dall-e-2 takes 256x256,
 * 512x512 and 1024x1024. Matched by model-name prefix.
 */
export const OPENAI_MODELS: readonly (readonly [string, OpenAiModelRules])[] = [
  [
    "gpt-image",
    {
      sizes: [
        [1024, 1024],
        [1536, 1024],
        [1024, 1536],
      ],
      maxPerRequest: 10,
      acceptsResponseFormat: false,
    },
  ],
  [
    "dall-e-3",
    {
      sizes: [
        [1024, 1024],
        [1792, 1024],
        [1024, 1792],
      ],
      maxPerRequest: 1,
      acceptsResponseFormat: true,
    },
  ],
  [
    "dall-e-2",
    {
      sizes: [
        [256, 256],
        [512, 512],
        [1024, 1024],
      ],
      maxPerRequest: 10,
      acceptsResponseFormat: true,
    },
  ],
];

/** The rules for a model; models we know nothing about take any size, n up to 10. */
export function openAiModelRules(model: string): OpenAiModelRules {
  const known = OPENAI_MODELS.find(([prefix]) => model.startsWith(prefix));
  return known ? known[1] : { maxPerRequest: 10, acceptsResponseFormat: true };
}

export interface ResolvedSize {
  width: number;
  height: number;
  /** False when the requested size was replaced by the nearest supported one. */
  exact: boolean;
}

/** The supported size with the closest aspect ratio, then the closest area. */
export function nearestSize(
  width: number,
  height: number,
  sizes: readonly (readonly [number, number])[] | undefined,
): ResolvedSize {
  if (!sizes || sizes.length === 0) return { width, height, exact: true };
  const ratio = Math.log(width / height);
  const area = Math.log(width * height);
  let best: readonly [number, number] | undefined;
  let bestScore: [number, number] = [Infinity, Infinity];
  for (const size of sizes) {
    const score: [number, number] = [
      Math.abs(Math.log(size[0] / size[1]) - ratio),
      Math.abs(Math.log(size[0] * size[1]) - area),
    ];
    if (
      score[0] < bestScore[0] - 1e-9 ||
      (Math.abs(score[0] - bestScore[0]) <= 1e-9 && score[1] < bestScore[1])
    ) {
      best = size;
      bestScore = score;
    }
  }
  const [w, h] = best ?? [width, height];
  return { width: w, height: h, exact: w === width && h === height };
}

function formatRatio(ratio: number): string {
  return ratio >= 1 ? `${+ratio.toFixed(3)}:1` : `1:${+(1 / ratio).toFixed(3)}`;
}
