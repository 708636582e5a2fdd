import { listTemplates as engineTemplates, type TemplateSummary } from "./engine";

/** Every card template, with its fields as JSON Schema, defaults and samples, for pickers and docs. */
export function listTemplates(): TemplateSummary[] {
  return engineTemplates();
}
