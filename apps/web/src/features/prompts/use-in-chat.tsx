import { MessageSquarePlus } from "lucide-react";
import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";

import { Button } from "../../components/ui/button";
import { Dialog } from "../../components/ui/dialog";
import { inputClass } from "../../components/ui/input";
import { cx } from "../../lib/cx";
import { readApiFailure, readErrorDetails } from "../../lib/errors";
import { trpc } from "../../lib/trpc";
import { notifyError } from "../errors/notify-error";
import { handOffSystemPrompt } from "./handoff";

/** A saved prompt's version to start a chat with, and the variables it needs values for. */
export interface ChatTarget {
  id: string;
  version: number;
  variables: string[];
}

/**
 * Starts a new chat with a saved prompt as its system prompt: the server fills in the variables
 * (`prompts.render`), the text is handed to the chat page, and the page opens. Resolves with the
 * variables the server found without a value (empty when it went ahead).
 */
export function useStartChat() {
  const utils = trpc.useUtils();
  const navigate = useNavigate();
  const [pending, setPending] = useState(false);
  const start = async (target: ChatTarget, values: Record<string, string>): Promise<string[]> => {
    setPending(true);
    try {
      const { text } = await utils.client.aiChat.prompts.render.query({
        id: target.id,
        version: target.version,
        values,
      });
      handOffSystemPrompt(text);
      void navigate("/chat");
      return [];
    } catch (error) {
      const missing = readErrorDetails(error)?.["missing"];
      if (readApiFailure(error).code === "VALIDATION" && Array.isArray(missing)) {
        return missing.filter((name): name is string => typeof name === "string");
      }
      notifyError(error);
      return [];
    } finally {
      setPending(false);
    }
  };
  return { start, pending };
}

/** The values of a prompt's variables, asked for before the chat starts. */
export function UseInChatDialog({
  target,
  onClose,
}: {
  target: ChatTarget | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const formId = useId();
  const { start, pending } = useStartChat();
  const [values, setValues] = useState<Record<string, string>>({});
  const [missing, setMissing] = useState<string[]>([]);
  const variables = target?.variables ?? [];
  const ready = variables.every((name) => values[name]?.trim());

  return (
    <Dialog
      open={target !== null}
      onClose={() => {
        if (!pending) onClose();
      }}
      title={t("prompts.useInChat.title")}
      description={t("prompts.useInChat.description", { version: target?.version ?? 0 })}
      footer={
        <>
          <Button onClick={onClose} disabled={pending}>
            {t("common.cancel")}
          </Button>
          <Button
            type="submit"
            form={formId}
            variant="primary"
            loading={pending}
            disabled={!ready || pending}
            data-testid="prompt-use-in-chat-start"
          >
            {pending ? null : <MessageSquarePlus className="size-4" aria-hidden />}
            {t("prompts.useInChat.start")}
          </Button>
        </>
      }
    >
      <form
        id={formId}
        className="space-y-3"
        onSubmit={(event) => {
          event.preventDefault();
          if (!target || !ready) return;
          void start(target, values).then(setMissing);
        }}
      >
        {variables.map((name, index) => {
          const invalid = missing.includes(name);
          return (
            <div key={name} className="space-y-1.5">
              <label
                htmlFor={`${formId}-${name}`}
                className="block font-mono text-[13px] font-medium text-fg"
              >
                {`{{${name}}}`}
              </label>
              <textarea
                id={`${formId}-${name}`}
                value={values[name] ?? ""}
                rows={1}
                maxLength={4_000}
                autoFocus={index === 0}
                aria-invalid={invalid || undefined}
                onChange={(event) => {
                  const value = event.target.value;
                  setValues((current) => ({ ...current, [name]: value }));
                }}
                onKeyDown={(event) => {
                  if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
                    event.preventDefault();
                    event.currentTarget.form?.requestSubmit();
                  }
                }}
                className={cx(
                  inputClass,
                  "field-sizing-content h-auto max-h-40 min-h-9 resize-y py-1.5 leading-6",
                )}
                data-testid="prompt-variable-value"
                data-variable={name}
              />
              {invalid ? (
                <p className="text-xs text-danger" role="alert">
                  {t("prompts.useInChat.missing")}
                </p>
              ) : null}
            </div>
          );
        })}
      </form>
    </Dialog>
  );
}
