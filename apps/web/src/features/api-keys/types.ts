import type { AppRouter } from "@genflow/api";
import type { inferRouterOutputs } from "@trpc/server";

type Outputs = inferRouterOutputs<AppRouter>;

export type ApiKey = Outputs["auth"]["apiKeys"]["list"][number];
export type CreatedApiKey = Outputs["auth"]["apiKeys"]["create"];
