import type { AppRouter } from "@genflow/api";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";

type Inputs = inferRouterInputs<AppRouter>;
type Outputs = inferRouterOutputs<AppRouter>;

export type CardTemplate = Outputs["generate"]["templates"]["templates"][number];
export type CardInput = Inputs["generate"]["card"];
export type CardPreview = Outputs["generate"]["preview"];
export type CreatedCard = Outputs["generate"]["card"];
export type HistoryCard = Outputs["generate"]["history"]["items"][number];
export type CardWarning = CreatedCard["warnings"][number];

export type SizePreset = "og" | "square" | "story" | "wide";
export type ThemePreset = "light" | "dark" | "brand" | "gradient";
export type ImageFormat = CreatedCard["format"];
export type Visibility = CreatedCard["visibility"];

/** A card batch request (`generate.batch`) and one JSON row of it. */
export type BatchInput = Inputs["generate"]["batch"]["batch"];
export type BatchRow = NonNullable<BatchInput["rows"]>[number];

/** Whether this server can make AI images, and with which provider and model. */
export type ImageProviderInfo = Outputs["generate"]["imageProvider"];
