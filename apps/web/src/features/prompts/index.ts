export { PromptsPage as default, PromptsPage } from "./prompts-page";
