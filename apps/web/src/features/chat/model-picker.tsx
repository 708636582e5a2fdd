import { useTranslation } from "react-i18next";

import { cx } from "../../lib/cx";
import type { ChatProviderInfo, ModelChoice } from "./types";

const SEPARATOR = "\u0000";
const valueOf = (choice: ModelChoice) => `${choice.providerId}${SEPARATOR}${choice.model}`;

/** The conversation's model, from every configured provider's models. */
export function ModelPicker({
  className,
  providers,
  value,
  disabled,
  onChange,
}: {
  className?: string;
  providers: ChatProviderInfo[];
  value: ModelChoice | null;
  disabled: boolean;
  onChange: (choice: ModelChoice) => void;
}) {
  const { t } = useTranslation();
  const known =
    value !== null &&
    providers.some((p) => p.id === value.providerId && p.models.some((m) => m.id === value.model));
  return (
    <select
      value={value ? valueOf(value) : ""}
      disabled={disabled || providers.length === 0}
      onChange={(event) => {
        const [providerId, model] = event.target.value.split(SEPARATOR);
        if (providerId && model) onChange({ providerId, model });
      }}
      aria-label={t("chat.model")}
      title={t("chat.model")}
      className={cx(
        "h-8 min-w-0 truncate rounded-md border border-line bg-surface px-2 text-[13px] text-fg shadow-xs hover:border-line-strong focus:border-accent focus:ring-3 focus:ring-accent/20 focus:outline-none disabled:opacity-60 sm:max-w-[14rem]",
        className,
      )}
      data-testid="chat-model"
    >
      {value && !known ? (
        <option value={valueOf(value)}>{t("chat.modelUnavailable", { model: value.model })}</option>
      ) : null}
      {providers.map((provider) => (
        <optgroup key={provider.id} label={provider.label}>
          {provider.models.map((model) => (
            <option key={model.id} value={valueOf({ providerId: provider.id, model: model.id })}>
              {model.label}
            </option>
          ))}
        </optgroup>
      ))}
    </select>
  );
}
