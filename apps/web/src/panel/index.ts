export { default, default as PanelPage } from "./panel-page";
