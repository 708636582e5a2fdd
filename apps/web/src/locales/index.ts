import { en } from "./en";
import { zhCN } from "./zh-CN";

export const resources = {
  en: { translation: en },
  "zh-CN": { translation: zhCN },
} as const;
