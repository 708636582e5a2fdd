import { authRouter } from "./router/auth";
import { generateRouter } from "./router/generate";
import { systemRouter } from "./router/system";
import { createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  system: systemRouter,
  auth: authRouter,
  generate: generateRouter,
});

export type AppRouter = typeof appRouter;
