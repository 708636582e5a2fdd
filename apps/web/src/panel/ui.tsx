import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";

import { Badge } from "../components/ui/badge";
import type { ProcedureKind } from "./json-schema";

export { inputClass } from "../components/ui/input";

/** Multi-line inputs share the input look but size to their rows. */
export const textareaClass =
  "block w-full rounded-lg border border-line bg-surface px-3 py-2 font-mono text-xs leading-relaxed text-fg shadow-xs " +
  "transition-colors placeholder:text-fg-subtle hover:border-line-strong focus:border-accent focus:ring-3 " +
  "focus:ring-accent/20 focus:outline-none aria-invalid:border-danger aria-invalid:focus:ring-danger/20";

export const codeBlockClass =
  "max-h-[28rem] overflow-auto rounded-lg border border-line bg-subtle p-3 font-mono text-xs leading-relaxed text-fg";

const KIND_TONES = { query: "accent", mutation: "warning", subscription: "success" } as const;

export function KindBadge({ kind }: { kind: ProcedureKind }) {
  const { t } = useTranslation(undefined, { keyPrefix: "panel" });
  return (
    <Badge tone={KIND_TONES[kind]} className="shrink-0 text-[11px]">
      {t(`kind.${kind}`)}
    </Badge>
  );
}

/** A card header whose actions sit level with the title. */
export function CardTitle({ title, actions }: { title: ReactNode; actions?: ReactNode }) {
  return (
    <header className="flex min-h-13 items-center justify-between gap-4 border-b border-line px-5 py-2.5">
      <h2 className="text-sm font-semibold text-fg">{title}</h2>
      {actions ? <div className="flex shrink-0 items-center gap-2">{actions}</div> : null}
    </header>
  );
}
