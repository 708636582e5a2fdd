import { createTRPCRouter, publicProcedure } from "../trpc";

export const systemRouter = createTRPCRouter({
  /** Who am I, and what can this server do. Cheap; used by the SPA on load. */
  info: publicProcedure.query(async ({ ctx }) => {
    const principal = await ctx.principal();
    return {
      name: "GenFlow",
      user: principal?.user ?? null,
      via: principal?.via ?? null,
    };
  }),
});
