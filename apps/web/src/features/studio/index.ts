export { StudioPage as default, StudioPage } from "./studio-page";
