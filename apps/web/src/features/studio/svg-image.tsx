import { useCallback } from "react";
import type { ComponentProps } from "react";

/**
 * Shows SVG markup as an image through an object URL (never as DOM): scripts and external
 * resources in it cannot run or load. The element keeps showing its previous picture until the
 * new one has loaded, so a changing preview never blinks.
 */
export function SvgImage({
  svg,
  ...props
}: { svg: string } & Omit<ComponentProps<"img">, "src" | "ref">) {
  const attach = useCallback(
    (img: HTMLImageElement | null) => {
      if (!img) return;
      const url = URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" }));
      img.src = url;
      return () => URL.revokeObjectURL(url);
    },
    [svg],
  );
  return <img ref={attach} {...props} />;
}
