import { Send } from "lucide-react";
import { useId, useState } from "react";
import { useTranslation } from "react-i18next";

import { Button } from "../../components/ui/button";
import { enterToSend } from "./enter-to-send";

/** Edits one of your messages in place; sending it starts a new branch beside the original. */
export function MessageEditor({
  initial,
  disabled,
  onCancel,
  onSubmit,
}: {
  initial: string;
  disabled: boolean;
  onCancel: () => void;
  onSubmit: (content: string) => Promise<void>;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [value, setValue] = useState(initial);
  const [pending, setPending] = useState(false);
  const content = value.trim();
  const canSend = !disabled && !pending && content.length > 0;
  const submit = () => {
    if (!canSend) return;
    setPending(true);
    onSubmit(content).then(
      () => setPending(false),
      // The failure is a toast; the text stays to try again.
      () => setPending(false),
    );
  };
  return (
    <div
      className="w-full max-w-[85%] rounded-2xl border border-accent/40 bg-surface p-2 shadow-xs ring-3 ring-accent/10"
      data-testid="message-editor"
    >
      <label className="sr-only" htmlFor={id}>
        {t("chat.message.editLabel")}
      </label>
      <textarea
        id={id}
        value={value}
        autoFocus
        rows={2}
        onChange={(event) => setValue(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Escape") onCancel();
          else enterToSend(submit)(event);
        }}
        className="field-sizing-content block max-h-72 min-h-16 w-full resize-none bg-transparent px-2 py-1.5 text-[15px] leading-6 text-fg focus:outline-none"
        data-testid="message-edit-input"
      />
      <div className="flex items-center justify-end gap-2 pt-1">
        <p className="mr-auto px-2 text-xs text-fg-subtle">{t("chat.message.editHint")}</p>
        <Button size="sm" variant="ghost" onClick={onCancel} disabled={pending}>
          {t("common.cancel")}
        </Button>
        <Button
          size="sm"
          variant="primary"
          onClick={submit}
          disabled={!canSend}
          loading={pending}
          data-testid="message-edit-send"
        >
          {pending ? null : <Send className="size-3.5" aria-hidden />}
          {t("chat.message.editSend")}
        </Button>
      </div>
    </div>
  );
}
