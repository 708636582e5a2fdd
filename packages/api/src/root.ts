import { authRouter } from "./router/auth";
import { systemRouter } from "./router/system";
import { createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  system: systemRouter,
  auth: authRouter,
});

export type AppRouter = typeof appRouter;
