import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";

import { Alert } from "../../components/ui/alert";
import { fieldLabel } from "./labels";
import type { CardWarning } from "./types";

/**
 * Characters as the list shows them: each once, quoted, with its code point (the viewer may have
 * no font for it either), e.g. “த” (U+0BA4).
 */
export function characterList(characters: readonly string[] | undefined): string {
  return [...new Set(characters ?? [])]
    .map((c) => {
      const points = Array.from(
        c,
        (char) => `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`,
      );
      return `“${c}” (${points.join(" ")})`;
    })
    .join(", ");
}

function describe(t: TFunction, warning: CardWarning): string {
  const field = fieldLabel(t, warning.field);
  switch (warning.code) {
    case "MISSING_GLYPHS":
      return t("studio.warnings.missingGlyphs", {
        field,
        characters: characterList(warning.characters),
      });
    case "TEXT_TRUNCATED":
      return t("studio.warnings.truncated", { field });
    default:
      return warning.message;
  }
}

/** A short note per field, shown under the field the warning is about. */
export function fieldWarnings(
  t: TFunction,
  warnings: readonly CardWarning[],
): Record<string, string> {
  const notes: Record<string, string[]> = {};
  for (const warning of warnings) {
    const note =
      warning.code === "MISSING_GLYPHS"
        ? t("studio.warnings.missingGlyphsShort", {
            characters: characterList(warning.characters),
          })
        : warning.code === "TEXT_TRUNCATED"
          ? t("studio.warnings.truncatedShort")
          : warning.message;
    (notes[warning.field] ??= []).push(note);
  }
  return Object.fromEntries(Object.entries(notes).map(([field, list]) => [field, list.join(" ")]));
}

/** What the renderer had to leave out or cut, named by field; nothing when all went well. */
export function WarningList({
  warnings,
  testId,
}: {
  warnings: readonly CardWarning[];
  testId?: string;
}) {
  const { t } = useTranslation();
  if (warnings.length === 0) return null;
  return (
    <div data-testid={testId}>
      <Alert tone="warning" title={t("studio.warnings.title", { count: warnings.length })}>
        <ul className="list-disc space-y-0.5 pl-4">
          {warnings.map((warning, index) => (
            <li
              key={`${warning.code}-${warning.field}-${index}`}
              data-code={warning.code}
              data-field={warning.field}
            >
              {describe(t, warning)}
            </li>
          ))}
        </ul>
      </Alert>
    </div>
  );
}
