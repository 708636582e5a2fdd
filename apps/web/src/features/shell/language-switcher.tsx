import { Check, Languages } from "lucide-react";
import { useTranslation } from "react-i18next";

import { Menu, MenuItem } from "../../components/ui/menu";
import { LANGUAGES, toLanguage } from "../../i18n/languages";
import type { Language } from "../../i18n/languages";

const NAME_KEYS = { en: "language.en", "zh-CN": "language.zhCN" } as const satisfies Record<
  Language,
  string
>;
const SHORT_KEYS = {
  en: "language.enShort",
  "zh-CN": "language.zhCNShort",
} as const satisfies Record<Language, string>;

/** Switches the UI language; i18next remembers the choice in localStorage. */
export function LanguageSwitcher() {
  const { t, i18n } = useTranslation();
  const current = toLanguage(i18n.resolvedLanguage);
  return (
    <Menu
      label={t("language.label")}
      placement="bottom-end"
      panelClassName="min-w-40"
      triggerClassName="inline-flex h-8 items-center gap-1.5 rounded-md px-2 text-[13px] font-medium text-fg-muted transition-colors hover:bg-muted hover:text-fg"
      trigger={
        <>
          <Languages className="size-4" aria-hidden />
          <span data-testid="language-current">{t(SHORT_KEYS[current])}</span>
        </>
      }
    >
      {(close) =>
        LANGUAGES.map((language) => (
          <MenuItem
            key={language}
            lang={language}
            data-testid={`language-${language}`}
            aria-checked={language === current}
            role="menuitemradio"
            onClick={() => {
              close();
              void i18n.changeLanguage(language);
            }}
          >
            <span className="flex-1">{t(NAME_KEYS[language])}</span>
            {language === current ? <Check className="size-4 text-accent" aria-hidden /> : null}
          </MenuItem>
        ))
      }
    </Menu>
  );
}
