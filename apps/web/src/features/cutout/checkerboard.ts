/** The transparency checkerboard, in the theme's own greys (so it suits light and dark). */
export const CHECKERBOARD =
  "bg-[repeating-conic-gradient(var(--muted)_0_25%,var(--surface)_0_50%)] bg-[length:16px_16px]";
