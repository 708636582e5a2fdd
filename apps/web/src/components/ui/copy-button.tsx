import { Check, Copy } from "lucide-react";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { toast } from "sonner";

import { copyText } from "../../lib/copy-text";
import { Button } from "./button";
import type { ButtonProps } from "./button";

/** Copies `value`; the label turns into a check mark for a moment after success. */
export function CopyButton({
  value,
  label,
  ...props
}: { value: string; label?: string } & Omit<ButtonProps, "onClick" | "value">) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    if (!copied) return;
    const timer = window.setTimeout(() => setCopied(false), 2000);
    return () => window.clearTimeout(timer);
  }, [copied]);

  return (
    <Button
      {...props}
      onClick={async () => {
        if (await copyText(value)) setCopied(true);
        else toast.error(t("common.copyFailed"));
      }}
    >
      {copied ? (
        <Check className="size-4 text-success" aria-hidden />
      ) : (
        <Copy className="size-4" aria-hidden />
      )}
      {copied ? t("common.copied") : (label ?? t("common.copy"))}
    </Button>
  );
}
