export * from "./auth";
export * from "./events";
export * from "./generate";
export * from "./uploads";
export * from "./tasks";
export * from "./cutouts";
export * from "./articles";
export * from "./ai-chat";
