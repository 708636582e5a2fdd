import type { ReactNode } from "react";

import { FieldErrorList } from "../../components/ui/field-errors";
import { cx } from "../../lib/cx";

export interface SegmentedOption<V extends string> {
  value: V;
  label: ReactNode;
  /** A second line under the label (e.g. pixel size). */
  detail?: ReactNode;
  /** Shown before the label (e.g. a colour swatch). */
  icon?: ReactNode;
  disabled?: boolean;
}

/**
 * One choice among a few, as native radio buttons (arrow keys, form semantics) drawn as pills.
 */
export function Segmented<V extends string>({
  name,
  legend,
  value,
  options,
  onChange,
  hint,
  errors,
  className,
  testId,
}: {
  name: string;
  legend: string;
  value: V;
  options: readonly SegmentedOption<V>[];
  onChange: (value: V) => void;
  hint?: ReactNode;
  errors?: string[] | undefined;
  className?: string;
  testId?: string;
}) {
  const messageId = `${name}-message`;
  const invalid = (errors?.length ?? 0) > 0;
  return (
    <fieldset
      className="min-w-0 space-y-1.5"
      aria-describedby={invalid || hint ? messageId : undefined}
      data-testid={testId}
    >
      <legend className="mb-1.5 text-[13px] font-medium text-fg">{legend}</legend>
      <div className={cx("flex flex-wrap gap-1.5", className)}>
        {options.map((option) => (
          <label key={option.value} className="relative min-w-0">
            <input
              type="radio"
              name={name}
              value={option.value}
              checked={option.value === value}
              disabled={option.disabled}
              onChange={() => onChange(option.value)}
              className="peer sr-only"
              data-testid={`${name}-${option.value}`}
            />
            <span
              className={cx(
                "flex h-full cursor-pointer items-center gap-2 rounded-lg border border-line bg-surface px-3 py-1.5 text-[13px] text-fg shadow-xs transition-colors select-none",
                "hover:border-line-strong hover:bg-subtle",
                "peer-checked:border-accent peer-checked:bg-accent-soft peer-checked:text-fg peer-checked:ring-1 peer-checked:ring-accent",
                "peer-focus-visible:outline-2 peer-focus-visible:outline-offset-2 peer-focus-visible:outline-accent",
                "peer-disabled:cursor-not-allowed peer-disabled:opacity-45 peer-disabled:hover:border-line peer-disabled:hover:bg-surface",
              )}
            >
              {option.icon}
              <span className="min-w-0">
                <span className="block font-medium whitespace-nowrap">{option.label}</span>
                {option.detail ? (
                  <span className="block text-xs whitespace-nowrap text-fg-muted tabular-nums">
                    {option.detail}
                  </span>
                ) : null}
              </span>
            </span>
          </label>
        ))}
      </div>
      {invalid ? (
        <FieldErrorList id={messageId} errors={errors ?? []} />
      ) : hint ? (
        <p id={messageId} className="text-[13px] text-fg-subtle">
          {hint}
        </p>
      ) : null}
    </fieldset>
  );
}
