export type * from "./cache";
export type * from "./rate-limit";
export type * from "./pubsub";
export type * from "./logger";
export type * from "./health";
export type * from "./blob-storage";
export type { Clock } from "./clock";
export { systemClock } from "./clock";
