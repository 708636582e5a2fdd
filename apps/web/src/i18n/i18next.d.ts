import type { en } from "../locales/en";

// Typed keys: `t("apiKeys.title")` is checked against the English messages at compile time.
declare module "i18next" {
  interface CustomTypeOptions {
    defaultNS: "translation";
    resources: { translation: typeof en };
    returnNull: false;
  }
}
