import type { AppRouter } from "@genflow/api";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";

type Inputs = inferRouterInputs<AppRouter>;
type Outputs = inferRouterOutputs<AppRouter>;

export type PromptBriefInput = Inputs["aiChat"]["prompts"]["compose"];
export type SavedPrompt = Outputs["aiChat"]["prompts"]["list"][number];
export type PromptDetail = Outputs["aiChat"]["prompts"]["byId"];
export type PromptVersion = PromptDetail["versions"][number];
