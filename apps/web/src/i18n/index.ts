import i18n from "i18next";
import LanguageDetector from "i18next-browser-languagedetector";
import { initReactI18next } from "react-i18next";

import { resources } from "../locales";
import { LANGUAGE_STORAGE_KEY, LANGUAGES, toLanguage } from "./languages";

/**
 * Starts i18next: the language comes from the remembered choice, else the browser, else English.
 * Called once from main.tsx before the first render.
 */
export async function initI18n() {
  i18n.on("languageChanged", (lng) => {
    document.documentElement.lang = lng;
  });
  await i18n
    .use(LanguageDetector)
    .use(initReactI18next)
    .init({
      resources,
      supportedLngs: [...LANGUAGES],
      fallbackLng: "en",
      load: "currentOnly",
      interpolation: { escapeValue: false },
      returnNull: false,
      detection: {
        order: ["localStorage", "navigator"],
        lookupLocalStorage: LANGUAGE_STORAGE_KEY,
        caches: ["localStorage"],
        convertDetectedLanguage: toLanguage,
      },
    });
  return i18n;
}
