import i18next, { type i18n as I18n } from "i18next";

import { en } from "../locales/en";
import { zhCN } from "../locales/zh-CN";

/** An i18next of its own for unit tests: both languages, English first, nothing detected. */
export async function createTestI18n(): Promise<I18n> {
  const instance = i18next.createInstance();
  await instance.init({
    lng: "en",
    resources: { en: { translation: en }, "zh-CN": { translation: zhCN } },
    interpolation: { escapeValue: false },
    showSupportNotice: false,
  });
  return instance;
}
