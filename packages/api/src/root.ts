import { aiChatRouter } from "./router/ai-chat";
import { articlesRouter } from "./router/articles";
import { authRouter } from "./router/auth";
import { cutoutRouter } from "./router/cutout";
import { generateRouter } from "./router/generate";
import { systemRouter } from "./router/system";
import { tasksRouter } from "./router/tasks";
import { createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  system: systemRouter,
  auth: authRouter,
  generate: generateRouter,
  tasks: tasksRouter,
  cutout: cutoutRouter,
  articles: articlesRouter,
  aiChat: aiChatRouter,
});

export type AppRouter = typeof appRouter;
