import { RotateCcw } from "lucide-react";
import { useTranslation } from "react-i18next";

import { Card, CardHeader } from "../../components/ui/card";
import { Field, Input } from "../../components/ui/input";
import { cx } from "../../lib/cx";
import {
  COLOR_SLOTS,
  CUSTOM_SIDE,
  SIZE_PRESET_IDS,
  SIZE_PRESETS,
  THEME_PRESET_IDS,
  sizeIssues,
} from "./design";
import type { ColorSlot, SideIssue, SizeChoice, ThemeChoice } from "./design";
import { colorLabel } from "./labels";
import { Segmented } from "./segmented";
import type { ThemePreset } from "./types";

/** A small picture of each preset, for telling them apart at a glance. */
const THEME_SWATCHES: Record<ThemePreset, string> = {
  light: "bg-white ring-1 ring-slate-300",
  dark: "bg-slate-900 ring-1 ring-slate-600",
  brand: "bg-indigo-700",
  gradient: "bg-linear-to-br from-indigo-600 to-pink-600",
};

/** Where the colour input starts when a colour is still on Auto. */
const PICKER_START = "#4f46e5";

function SizeSettings({
  size,
  onChange,
  errors,
}: {
  size: SizeChoice;
  onChange: (size: SizeChoice) => void;
  errors: string[] | undefined;
}) {
  const { t } = useTranslation();
  const issues = sizeIssues(size);
  const sideError = (issue: SideIssue | undefined) =>
    issue === "notInteger"
      ? [t("studio.design.sideNotInteger")]
      : issue === "outOfRange"
        ? [t("studio.design.sideOutOfRange", CUSTOM_SIDE)]
        : undefined;
  const custom = size.kind === "custom" ? size : null;
  // The last size shown becomes the custom size's starting point.
  const start =
    size.kind === "preset" ? SIZE_PRESETS[size.preset] : { width: size.width, height: size.height };

  return (
    <div className="space-y-3">
      <Segmented
        name="size"
        legend={t("studio.design.size")}
        value={size.kind === "preset" ? size.preset : "custom"}
        onChange={(choice) =>
          onChange(
            choice === "custom"
              ? { kind: "custom", width: String(start.width), height: String(start.height) }
              : { kind: "preset", preset: choice },
          )
        }
        options={[
          ...SIZE_PRESET_IDS.map((preset) => ({
            value: preset,
            label: t(`studio.design.sizes.${preset}`),
            detail: t("studio.design.dimensions", SIZE_PRESETS[preset]),
          })),
          { value: "custom" as const, label: t("studio.design.sizes.custom"), detail: "W × H" },
        ]}
        errors={custom ? undefined : errors}
        testId="size-choice"
      />
      {custom ? (
        <div className="grid grid-cols-2 gap-3" data-testid="custom-size">
          {(["width", "height"] as const).map((side) => (
            <Field
              key={side}
              label={t(`studio.design.${side}`)}
              hint={t("studio.design.sideHint", CUSTOM_SIDE)}
              errors={sideError(issues[side]) ?? (side === "width" ? errors : undefined)}
            >
              {({ id, invalid, describedBy }) => (
                <Input
                  id={id}
                  name={`size-${side}`}
                  type="number"
                  inputMode="numeric"
                  min={CUSTOM_SIDE.min}
                  max={CUSTOM_SIDE.max}
                  step={1}
                  value={custom[side]}
                  onChange={(event) => onChange({ ...custom, [side]: event.target.value })}
                  aria-invalid={invalid || undefined}
                  aria-describedby={describedBy}
                />
              )}
            </Field>
          ))}
        </div>
      ) : null}
    </div>
  );
}

function ColorControl({
  preset,
  slot,
  value,
  onChange,
}: {
  preset: ThemePreset;
  slot: ColorSlot;
  value: string | undefined;
  onChange: (value: string | undefined) => void;
}) {
  const { t } = useTranslation();
  const name = colorLabel(t, preset, slot);
  return (
    <div className="flex min-w-0 items-center gap-2.5" data-testid={`color-${slot}`}>
      <label
        className={cx(
          "relative size-8 shrink-0 cursor-pointer overflow-hidden rounded-md ring-1 ring-line-strong focus-within:outline-2 focus-within:outline-offset-2 focus-within:outline-accent",
          !value &&
            "bg-[repeating-linear-gradient(45deg,var(--muted)_0_4px,var(--surface)_4px_8px)]",
        )}
        style={value ? { backgroundColor: value } : undefined}
      >
        <input
          type="color"
          value={value ?? PICKER_START}
          onChange={(event) => onChange(event.target.value)}
          aria-label={t("studio.design.pickColor", { name })}
          className="absolute inset-0 size-full cursor-pointer opacity-0"
        />
      </label>
      <div className="min-w-0 flex-1">
        <p className="truncate text-[13px] font-medium text-fg">{name}</p>
        {value ? (
          <p className="font-mono text-xs text-fg-subtle uppercase">{value}</p>
        ) : (
          <p className="text-xs text-fg-subtle">{t("studio.design.auto")}</p>
        )}
      </div>
      {value ? (
        <button
          type="button"
          onClick={() => onChange(undefined)}
          aria-label={t("studio.design.resetColor", { name })}
          title={t("studio.design.resetColor", { name })}
          className="rounded-md p-1.5 text-fg-subtle hover:bg-muted hover:text-fg"
        >
          <RotateCcw className="size-3.5" aria-hidden />
        </button>
      ) : null}
    </div>
  );
}

/** Size and look of the card: preset or custom size, theme and brand colours. */
export function DesignSettings({
  size,
  theme,
  themes,
  onSize,
  onTheme,
  errors,
}: {
  size: SizeChoice;
  theme: ThemeChoice;
  /** The presets the template supports. */
  themes: readonly ThemePreset[];
  onSize: (size: SizeChoice) => void;
  onTheme: (theme: ThemeChoice) => void;
  errors: { size?: string[]; theme?: string[] };
}) {
  const { t } = useTranslation();
  const available = THEME_PRESET_IDS.filter((preset) => themes.includes(preset));
  return (
    <Card>
      <CardHeader title={t("studio.design.title")} />
      <div className="space-y-5 px-5 py-4">
        <SizeSettings size={size} onChange={onSize} errors={errors.size} />
        <Segmented
          name="theme"
          legend={t("studio.design.theme")}
          value={theme.preset}
          onChange={(preset) => onTheme({ ...theme, preset })}
          options={available.map((preset) => ({
            value: preset,
            label: t(`studio.design.themes.${preset}`),
            icon: (
              <span
                aria-hidden
                className={cx("size-4 shrink-0 rounded-full", THEME_SWATCHES[preset])}
              />
            ),
          }))}
          testId="theme-choice"
        />
        <fieldset className="min-w-0 space-y-2">
          <legend className="text-[13px] font-medium text-fg">{t("studio.design.colors")}</legend>
          <p className="-mt-1 text-[13px] text-fg-subtle">{t("studio.design.colorsHint")}</p>
          <div className="grid gap-3 pt-1 sm:grid-cols-2">
            {COLOR_SLOTS[theme.preset].map((slot) => (
              <ColorControl
                key={slot}
                preset={theme.preset}
                slot={slot}
                value={theme.colors[slot]}
                onChange={(color) =>
                  onTheme({ ...theme, colors: { ...theme.colors, [slot]: color } })
                }
              />
            ))}
          </div>
          {errors.theme ? (
            <ul className="space-y-0.5 text-[13px] text-danger" role="alert">
              {errors.theme.map((message) => (
                <li key={message}>{message}</li>
              ))}
            </ul>
          ) : null}
        </fieldset>
      </div>
    </Card>
  );
}
