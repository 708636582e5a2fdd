import { ChevronLeft, ChevronRight } from "lucide-react";
import { useTranslation } from "react-i18next";

/** Where a message stands among its versions (edits, regenerations) and its neighbours. */
export interface Versions {
  index: number;
  count: number;
  previousId: string | null;
  nextId: string | null;
}

/** `< 1/2 >`: steps between the versions of a message. */
export function BranchSwitcher({
  versions,
  disabled,
  onSwitch,
}: {
  versions: Versions;
  disabled: boolean;
  onSwitch: (messageId: string) => void;
}) {
  const { t } = useTranslation();
  const { index, count, previousId, nextId } = versions;
  const buttonClass =
    "inline-flex size-7 items-center justify-center rounded-md text-fg-muted hover:bg-muted hover:text-fg disabled:cursor-not-allowed disabled:opacity-40 disabled:hover:bg-transparent";
  return (
    <div
      className="inline-flex items-center text-xs text-fg-muted tabular-nums"
      role="group"
      aria-label={t("chat.message.versions")}
      data-testid="branch-switcher"
    >
      <button
        type="button"
        className={buttonClass}
        aria-label={t("chat.message.previousVersion")}
        title={t("chat.message.previousVersion")}
        disabled={disabled || previousId === null}
        onClick={() => previousId && onSwitch(previousId)}
        data-testid="branch-previous"
      >
        <ChevronLeft className="size-4" aria-hidden />
      </button>
      <span
        className="min-w-8 text-center"
        aria-label={t("chat.message.versionOf", { index: index + 1, count })}
        data-testid="branch-position"
      >
        {index + 1}/{count}
      </span>
      <button
        type="button"
        className={buttonClass}
        aria-label={t("chat.message.nextVersion")}
        title={t("chat.message.nextVersion")}
        disabled={disabled || nextId === null}
        onClick={() => nextId && onSwitch(nextId)}
        data-testid="branch-next"
      >
        <ChevronRight className="size-4" aria-hidden />
      </button>
    </div>
  );
}
