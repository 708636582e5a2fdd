/** The UI languages, in the order the switcher lists them. */
export const LANGUAGES = ["en", "zh-CN"] as const;
export type Language = (typeof LANGUAGES)[number];

/** Where the chosen language is remembered between visits. */
export const LANGUAGE_STORAGE_KEY = "genflow.language";

/** Maps any browser language tag onto one we ship: every Chinese variant reads Simplified Chinese. */
export function toLanguage(tag: string | undefined): Language {
  if (tag?.toLowerCase().startsWith("zh")) return "zh-CN";
  return "en";
}
