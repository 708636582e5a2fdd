export { CutoutPage as default, CutoutPage } from "./cutout-page";
