import { z } from "zod";

/**
 * What the caller asks a provider for. These are the limits every provider shares; each adapter
 * checks its own size rules on top (see sizes.ts).
 * - `prompt`: 1–4000 characters after trimming (VolcEngine further asks for at most 800).
 * - `width`, `height`: whole pixels, 64–4096.
 * - `count`: 1–4 images.
 * - `seed`: a whole number 0–2147483647; leave it out for a random one.
 * - `negativePrompt`: ignored by providers whose API has no such field (both current ones).
 */
export const ImageRequest = z.object({
  prompt: z.string().trim().min(1).max(4000),
  width: z.number().int().min(64).max(4096),
  height: z.number().int().min(64).max(4096),
  count: z.number().int().min(1).max(4),
  seed: z.number().int().min(0).max(2_147_483_647).optional(),
  negativePrompt: z.string().max(4000).optional(),
});
export type ImageRequest = z.infer<typeof ImageRequest>;
