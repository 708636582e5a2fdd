import type { CardTheme } from "../card";
import { mix, normalizeHex, readableOn } from "../svg/color";

/**
 * Theme presets resolved into the palette templates paint with. Brand colours from the request
 * override the preset: `primary` is the accent (and the base of the brand preset, the start of
 * the gradient preset), `secondary` the gradient's end (and the brand preset's highlight),
 * `background`/`foreground` replace the surface and text colours (the gradient preset keeps its
 * gradient and ignores `background`).
 */

export const THEME_PRESETS = ["light", "dark", "brand", "gradient"] as const;
export type ThemePreset = (typeof THEME_PRESETS)[number];

export interface Palette {
  preset: ThemePreset;
  /** Solid background; with `gradient`, the colour the gradient averages to. */
  background: string;
  /** Diagonal background gradient (top-left → bottom-right), when the preset has one. */
  gradient?: [string, string];
  /** Main text. */
  foreground: string;
  /** Secondary text (bylines, details). */
  muted: string;
  /** Rules, tracks and outlines. */
  subtle: string;
  /** Panels set off from the background. */
  panel: string;
  /** Highlights: pills, bars, numbers. */
  accent: string;
  /** Text on `accent`. */
  onAccent: string;
  /** A faint wash of the accent for decorative shapes. */
  tint: string;
}

const DEFAULTS = {
  light: { background: "#ffffff", foreground: "#0f172a", accent: "#2563eb" },
  dark: { background: "#0b1020", foreground: "#f1f5f9", accent: "#60a5fa" },
  brand: { primary: "#4338ca", secondary: "#fbbf24" },
  gradient: { primary: "#4f46e5", secondary: "#db2777" },
} as const;

function finish(
  preset: ThemePreset,
  background: string,
  foreground: string,
  accent: string,
  gradient?: [string, string],
): Palette {
  // On saturated surfaces secondary text stays closer to the main colour to remain legible.
  const mutedAmount = preset === "light" || preset === "dark" ? 0.68 : 0.82;
  return {
    preset,
    background,
    gradient,
    foreground,
    muted: mix(foreground, background, mutedAmount),
    subtle: mix(foreground, background, 0.16),
    panel: mix(foreground, background, 0.06),
    accent,
    onAccent: readableOn(accent),
    tint: mix(accent, background, 0.14),
  };
}

/** The palette for a (validated) theme. */
export function resolvePalette(theme: CardTheme): Palette {
  const hex = (value: string | undefined) => (value ? normalizeHex(value) : undefined);
  const primary = hex(theme.primary);
  const secondary = hex(theme.secondary);
  const background = hex(theme.background);
  const foreground = hex(theme.foreground);
  switch (theme.preset) {
    case "light":
    case "dark": {
      const d = DEFAULTS[theme.preset];
      const bg = background ?? d.background;
      return finish(theme.preset, bg, foreground ?? d.foreground, primary ?? d.accent);
    }
    case "brand": {
      const bg = background ?? primary ?? DEFAULTS.brand.primary;
      const fg = foreground ?? readableOn(bg);
      // With an explicit background, the primary colour becomes the highlight.
      const accent = secondary ?? (background && primary) ?? DEFAULTS.brand.secondary;
      return finish("brand", bg, fg, accent);
    }
    case "gradient": {
      const stops: [string, string] = [
        primary ?? DEFAULTS.gradient.primary,
        secondary ?? DEFAULTS.gradient.secondary,
      ];
      const bg = mix(stops[0], stops[1], 0.5);
      const fg = foreground ?? readableOn(bg);
      return finish("gradient", bg, fg, fg, stops);
    }
  }
}
