/**
 * The card engine's public surface: templates, composing a card into SVG, and the font set the
 * render pipeline warms up and keys its cache with.
 */
export { composeCard, loadFonts } from "./compose";
export { listTemplates, getTemplate, type CardTemplate, type TemplateSummary } from "./templates";
export {
  FONT_SET_ID,
  FONT_WEIGHTS,
  readFamilySpecs,
  type FamilySpec,
  type FontWeight,
} from "./fonts/font-files";
export type { FontLoadTiming, LoadFontsOptions } from "./fonts/font-library";
export { THEME_PRESETS, type ThemePreset } from "./templates/theme";
