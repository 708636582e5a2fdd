import { Aperture, ImageIcon } from "lucide-react";
import { useId } from "react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";

import { Card, CardHeader } from "../../components/ui/card";
import { cx } from "../../lib/cx";
import { Segmented } from "../studio/segmented";
import { BackgroundImagePicker } from "./background-image-picker";
import { CHECKERBOARD } from "./checkerboard";
import { ColorField } from "./color-field";
import { BACKGROUND_KINDS, BLUR_RANGE, OUTPUT_FORMATS, SUBJECTS } from "./cutout-options";
import type { CutoutSettings, MaskChoice } from "./cutout-options";

/** Colours a click away; any other through the picker. */
const COLOR_PRESETS = ["#ffffff", "#f1f5f9", "#111827", "#2563eb", "#16a34a", "#f59e0b"] as const;

const swatch = "size-4 shrink-0 rounded-full ring-1 ring-black/10";

function Range({
  label,
  value,
  min,
  max,
  step,
  display,
  onChange,
  testId,
}: {
  label: string;
  value: number;
  min: number;
  max: number;
  step: number;
  display: string;
  onChange: (value: number) => void;
  testId?: string;
}) {
  const id = useId();
  return (
    <div className="space-y-1">
      <div className="flex items-center justify-between gap-2 text-[13px]">
        <label htmlFor={id} className="font-medium text-fg">
          {label}
        </label>
        <span className="text-fg-muted tabular-nums">{display}</span>
      </div>
      <input
        id={id}
        type="range"
        min={min}
        max={max}
        step={step}
        value={value}
        aria-valuetext={display}
        onChange={(event) => onChange(Number(event.target.value))}
        className="block w-full accent-accent"
        data-testid={testId}
      />
    </div>
  );
}

/** On or off, as a switch (a checkbox underneath), with a line saying what it does. */
function Toggle({
  label,
  hint,
  checked,
  onChange,
  testId,
}: {
  label: string;
  hint: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  testId?: string;
}) {
  const id = useId();
  return (
    <div className="flex items-start justify-between gap-3">
      <label htmlFor={id} className="min-w-0 cursor-pointer">
        <span className="block text-[13px] font-medium text-fg">{label}</span>
        <span id={`${id}-hint`} className="block text-[13px] text-fg-subtle">
          {hint}
        </span>
      </label>
      <span className="relative mt-0.5 inline-flex shrink-0">
        <input
          id={id}
          type="checkbox"
          role="switch"
          checked={checked}
          onChange={(event) => onChange(event.target.checked)}
          aria-describedby={`${id}-hint`}
          className="peer sr-only"
          data-testid={testId}
        />
        <span
          aria-hidden
          className="h-5 w-9 cursor-pointer rounded-full bg-line-strong transition-colors peer-checked:bg-accent peer-focus-visible:outline-2 peer-focus-visible:outline-offset-2 peer-focus-visible:outline-accent"
          onClick={() => onChange(!checked)}
        />
        <span
          aria-hidden
          className="pointer-events-none absolute top-0.5 left-0.5 size-4 rounded-full bg-white shadow-sm transition-transform peer-checked:translate-x-4"
        />
      </span>
    </div>
  );
}

function Section({ children }: { children: ReactNode }) {
  return <div className="space-y-3 px-5 py-4">{children}</div>;
}

/**
 * The cut-out's options: how the mask is made (the model's tier and the subjects kept, for the
 * next photo), then what to make of the result (background, crop, format), which changes the open
 * cut-out at once without running the model.
 */
export function CutoutSettingsPanel({
  mask,
  onMask,
  settings,
  onChange,
  footer,
}: {
  mask: MaskChoice;
  onMask: (mask: MaskChoice) => void;
  settings: CutoutSettings;
  onChange: (settings: CutoutSettings) => void;
  /** Downloads, under the options. */
  footer?: ReactNode;
}) {
  const { t } = useTranslation();
  const set = (change: Partial<CutoutSettings>) => onChange({ ...settings, ...change });
  const { gradient } = settings;

  const icons: Record<(typeof BACKGROUND_KINDS)[number], ReactNode> = {
    transparent: <span aria-hidden className={cx(swatch, CHECKERBOARD, "bg-[length:8px_8px]")} />,
    color: <span aria-hidden className={swatch} style={{ backgroundColor: settings.color }} />,
    gradient: (
      <span
        aria-hidden
        className={swatch}
        style={{ background: `linear-gradient(135deg, ${gradient.from}, ${gradient.to})` }}
      />
    ),
    image: <ImageIcon className="size-4 shrink-0 text-fg-muted" aria-hidden />,
    blur: <Aperture className="size-4 shrink-0 text-fg-muted" aria-hidden />,
  };

  return (
    <Card data-testid="cutout-settings">
      <CardHeader title={t("cutout.settings.title")} />
      <div className="divide-y divide-line">
        <Section>
          <Segmented
            name="cutout-tier"
            legend={t("cutout.tier.legend")}
            value={mask.tier}
            onChange={(tier) => onMask({ ...mask, tier })}
            options={[
              {
                value: "quality",
                label: t("cutout.tier.quality"),
                detail: t("cutout.tier.qualityDetail"),
              },
              { value: "fast", label: t("cutout.tier.fast"), detail: t("cutout.tier.fastDetail") },
            ]}
            testId="cutout-tier"
          />
          <Segmented
            name="cutout-subject"
            legend={t("cutout.subject.legend")}
            value={mask.subject}
            onChange={(subject) => onMask({ ...mask, subject })}
            options={SUBJECTS.map((subject) => ({
              value: subject,
              label: t(`cutout.subject.${subject}`),
              detail: t(`cutout.subject.${subject}Detail`),
            }))}
            hint={t("cutout.tier.hint")}
            testId="cutout-subject"
          />
        </Section>

        <Section>
          <Segmented
            name="cutout-background"
            legend={t("cutout.background.legend")}
            value={settings.background}
            onChange={(background) => set({ background })}
            options={BACKGROUND_KINDS.map((kind) => ({
              value: kind,
              label: t(`cutout.background.${kind}`),
              icon: icons[kind],
            }))}
            testId="cutout-background"
          />
          {settings.background === "color" ? (
            <div className="space-y-2.5">
              <ColorField
                label={t("cutout.background.color")}
                value={settings.color}
                onChange={(color) => set({ color })}
                testId="cutout-color"
              />
              <div className="flex flex-wrap gap-1.5">
                {COLOR_PRESETS.map((color) => (
                  <button
                    key={color}
                    type="button"
                    onClick={() => set({ color })}
                    aria-label={t("cutout.background.useColor", { color })}
                    aria-pressed={settings.color.toLowerCase() === color}
                    title={color}
                    className="size-7 cursor-pointer rounded-md ring-1 ring-line-strong transition-shadow hover:ring-2 hover:ring-accent aria-pressed:ring-2 aria-pressed:ring-accent"
                    style={{ backgroundColor: color }}
                    data-testid={`cutout-color-${color.slice(1)}`}
                  />
                ))}
              </div>
            </div>
          ) : null}
          {settings.background === "gradient" ? (
            <div className="space-y-3">
              <div className="grid grid-cols-2 gap-3">
                <ColorField
                  label={t("cutout.background.from")}
                  value={gradient.from}
                  onChange={(from) => set({ gradient: { ...gradient, from } })}
                  testId="cutout-gradient-from"
                />
                <ColorField
                  label={t("cutout.background.to")}
                  value={gradient.to}
                  onChange={(to) => set({ gradient: { ...gradient, to } })}
                  testId="cutout-gradient-to"
                />
              </div>
              <Range
                label={t("cutout.background.angle")}
                value={gradient.angle}
                min={0}
                max={360}
                step={15}
                display={t("cutout.background.degrees", { value: gradient.angle })}
                onChange={(angle) => set({ gradient: { ...gradient, angle } })}
                testId="cutout-gradient-angle"
              />
            </div>
          ) : null}
          {settings.background === "image" ? (
            <BackgroundImagePicker value={settings.image} onChange={(image) => set({ image })} />
          ) : null}
          {settings.background === "blur" ? (
            <Range
              label={t("cutout.background.strength")}
              value={settings.blur}
              min={BLUR_RANGE.min}
              max={BLUR_RANGE.max}
              step={1}
              display={t("cutout.background.strengthValue", { value: settings.blur })}
              onChange={(blur) => set({ blur })}
              testId="cutout-blur"
            />
          ) : null}
        </Section>

        <Section>
          <Toggle
            label={t("cutout.crop.label")}
            hint={t("cutout.crop.hint")}
            checked={settings.crop}
            onChange={(crop) => set({ crop })}
            testId="cutout-crop"
          />
        </Section>

        <Section>
          <Segmented
            name="cutout-format"
            legend={t("cutout.format.legend")}
            value={settings.format}
            onChange={(format) => set({ format })}
            options={OUTPUT_FORMATS.map((format) => ({
              value: format,
              label: t(`cutout.format.${format}`),
              detail: t(`cutout.format.${format}Detail`),
            }))}
            testId="cutout-format"
          />
        </Section>

        {footer ? <Section>{footer}</Section> : null}
      </div>
    </Card>
  );
}
