"use client";

import qrcode from "qrcode-generator";
import { useMemo } from "react";

/**
 * A QR code drawn as inline SVG elements (no data URL, no innerHTML, so nothing for the Content-Security-Policy
 * to refuse). Error correction "M", as authenticator apps scan it from a screen.
 */
export function QrCode({ value, label, size = 192 }: { value: string; label: string; size?: number }) {
  const { count, path } = useMemo(() => {
    const code = qrcode(0, "M");
    code.addData(value);
    code.make();
    const modules = code.getModuleCount();
    let d = "";
    for (let row = 0; row < modules; row += 1) {
      for (let col = 0; col < modules; col += 1) {
        if (code.isDark(row, col)) d += `M${col} ${row}h1v1h-1z`;
      }
    }
    return { count: modules, path: d };
  }, [value]);
  const quiet = 4; // the quiet zone scanners need around the code, in modules
  const extent = count + quiet * 2;
  return (
    <svg
      role="img"
      aria-label={label}
      width={size}
      height={size}
      viewBox={`${-quiet} ${-quiet} ${extent} ${extent}`}
      shapeRendering="crispEdges"
      className="rounded-md bg-white ring-1 ring-slate-200 dark:ring-slate-700"
      data-qr-modules={count}
    >
      <rect x={-quiet} y={-quiet} width={extent} height={extent} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}
