export * from "./errors";
export type { CoreDeps } from "./context";
