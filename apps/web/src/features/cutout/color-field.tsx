import { useId } from "react";

/** A colour, picked with the system picker: a swatch, its name and its hex value. */
export function ColorField({
  label,
  value,
  onChange,
  testId,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  testId?: string;
}) {
  const id = useId();
  return (
    <div className="flex min-w-0 items-center gap-2.5">
      <span
        className="relative size-8 shrink-0 overflow-hidden rounded-md ring-1 ring-line-strong focus-within:outline-2 focus-within:outline-offset-2 focus-within:outline-accent"
        style={{ backgroundColor: value }}
      >
        <input
          id={id}
          type="color"
          value={value}
          onChange={(event) => onChange(event.target.value)}
          className="absolute inset-0 size-full cursor-pointer opacity-0"
          data-testid={testId}
        />
      </span>
      <label htmlFor={id} className="min-w-0 flex-1 cursor-pointer">
        <span className="block truncate text-[13px] font-medium text-fg">{label}</span>
        <span className="block font-mono text-xs text-fg-subtle uppercase">{value}</span>
      </label>
    </div>
  );
}
