import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@genflow/api";

type Outputs = inferRouterOutputs<AppRouter>;

export type Session = NonNullable<Outputs["auth"]["session"]>;
export type SessionUser = Session["user"];
