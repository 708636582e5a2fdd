import { useId, useState } from "react";
import { useTranslation } from "react-i18next";

import { Button } from "../../components/ui/button";
import { inputClass } from "../../components/ui/input";
import { cx } from "../../lib/cx";

/**
 * The conversation's system prompt. For a conversation it is saved with Save; for a new chat it
 * goes with the first message (`onChange` each keystroke, no Save).
 */
export function SystemPromptEditor({
  value,
  maxChars,
  disabled,
  saving,
  onChange,
  onSave,
}: {
  value: string;
  maxChars: number | undefined;
  disabled: boolean;
  saving?: boolean;
  onChange?: (value: string) => void;
  onSave?: (value: string) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [draft, setDraft] = useState(value);
  const text = onSave ? draft : value;
  const changed = onSave !== undefined && draft.trim() !== value.trim();
  const tooLong = maxChars !== undefined && text.length > maxChars;
  return (
    <div
      className="space-y-2 border-b border-line bg-subtle/60 px-4 py-3"
      data-testid="chat-system-prompt"
    >
      <div className="flex items-baseline justify-between gap-3">
        <label htmlFor={id} className="text-[13px] font-medium text-fg">
          {t("chat.systemPrompt.label")}
        </label>
        {maxChars !== undefined ? (
          <span className={cx("text-xs tabular-nums", tooLong ? "text-danger" : "text-fg-subtle")}>
            {t("chat.systemPrompt.chars", { length: text.length, max: maxChars })}
          </span>
        ) : null}
      </div>
      <textarea
        id={id}
        value={text}
        disabled={disabled}
        rows={3}
        placeholder={t("chat.systemPrompt.placeholder")}
        onChange={(event) => {
          if (onSave) setDraft(event.target.value);
          else onChange?.(event.target.value);
        }}
        aria-invalid={tooLong || undefined}
        className={cx(
          inputClass,
          "field-sizing-content h-auto max-h-60 min-h-20 resize-y py-2 leading-6",
        )}
        data-testid="chat-system-prompt-input"
      />
      <div className="flex items-center justify-between gap-3">
        <p className="text-xs text-fg-subtle">{t("chat.systemPrompt.hint")}</p>
        {onSave ? (
          <Button
            size="sm"
            variant="primary"
            disabled={!changed || tooLong || disabled || saving}
            loading={saving}
            onClick={() => onSave(draft)}
            data-testid="chat-system-prompt-save"
          >
            {t("chat.systemPrompt.save")}
          </Button>
        ) : null}
      </div>
    </div>
  );
}
