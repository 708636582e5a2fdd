import type { AppRouter } from "@genflow/api";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";

type Inputs = inferRouterInputs<AppRouter>;
type Outputs = inferRouterOutputs<AppRouter>;

/** A stored cut-out: its photo, mask and every image made from them (with their URLs). */
export type CutoutItem = Outputs["cutout"]["byId"];
/** One image made from a cut-out. */
export type CutoutOutput = CutoutItem["outputs"][number];
/** What `cutout.process` answers: the result now, or a task for a big photo. */
export type ProcessResult = Outputs["cutout"]["process"];
/** The models, their licences and the inference queue. */
export type CutoutModels = Outputs["cutout"]["models"];

/** The options `cutout.compose` takes: what to make from a cut-out's photo and mask. */
export type OutputOptionsInput = NonNullable<Inputs["cutout"]["compose"]["options"]>;
/** Everything `cutout.batch` takes for each photo (mask and output options). */
export type CutoutOptionsInput = NonNullable<Inputs["cutout"]["batch"]["options"]>;
export type CutoutTier = "fast" | "quality";
/** What `cutout.compose` answers: the cut-out with the new output, and the output. */
export type ComposeResult = Outputs["cutout"]["compose"];
