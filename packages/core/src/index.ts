export * from "./errors";
export type { CoreDeps } from "./context";
export { configureValidationMessages, validationMessage } from "./validation-messages";
