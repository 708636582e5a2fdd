import type { CardWarning } from "./card";
import { loadCardImages, resolveCardUploads } from "./card-uploads";
import { planCard } from "./create-card";
import type { GenerateDeps } from "./ports";
import type { CreateCardInput } from "./schemas";

export interface PreviewCardParams {
  /** Whose uploads the request's image fields may name. */
  userId: string;
  input: CreateCardInput;
  /** Abandons the render when the caller goes away (a newer preview replaces this one). */
  signal?: AbortSignal;
}

export interface CardPreview {
  /** The card as SVG: exactly what the raster formats are drawn from. */
  svg: string;
  width: number;
  height: number;
  warnings: CardWarning[];
  /** The content address the same request would have as a card in the requested format. */
  key: string;
}

/**
 * Renders a card as SVG for a live preview while it is being edited: validated like a card,
 * rendered in the same worker pool, but neither stored nor recorded in history.
 */
export async function previewCard(
  deps: Pick<GenerateDeps, "renderer" | "db" | "blobs">,
  params: PreviewCardParams,
): Promise<CardPreview> {
  const plan = planCard(params.input, await resolveCardUploads(deps, params.userId, params.input));
  const rendered = await deps.renderer.render(
    {
      card: {
        templateId: plan.template.id,
        fields: plan.contentFields,
        width: plan.width,
        height: plan.height,
        theme: plan.input.theme,
      },
      images: await loadCardImages(deps, plan),
      format: "svg",
      scale: 1,
      quality: 100,
    },
    params.signal ? { signal: params.signal } : undefined,
  );
  return {
    svg: Buffer.from(rendered.bytes).toString("utf8"),
    width: plan.width,
    height: plan.height,
    warnings: rendered.warnings,
    key: plan.key,
  };
}
