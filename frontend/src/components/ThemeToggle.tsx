"use client";

import { useTranslations } from "next-intl";
import { useId, type ReactNode } from "react";
import { setThemeChoice, THEME_CHOICES, useThemeChoice, type ThemeChoice } from "@/lib/theme";

const ICON_PATHS: Record<ThemeChoice, ReactNode> = {
  // A screen: whatever the system says.
  system: <path d="M3 4.5h14v9H3zM7 16.5h6M10 13.5v3" />,
  // A sun.
  light: (
    <>
      <circle cx="10" cy="10" r="3.25" />
      <path d="M10 2.5v2M10 15.5v2M2.5 10h2M15.5 10h2M4.7 4.7l1.4 1.4M13.9 13.9l1.4 1.4M4.7 15.3l1.4-1.4M13.9 6.1l1.4-1.4" />
    </>
  ),
  // A crescent moon.
  dark: <path d="M16 12.5A6.5 6.5 0 0 1 7.5 4a6.5 6.5 0 1 0 8.5 8.5z" />,
};

/**
 * System, light or dark: three radio buttons (a fieldset, so arrow keys move between them) drawn as icons,
 * each named for screen readers and titled for the mouse.
 */
export function ThemeToggle() {
  const t = useTranslations("common");
  const choice = useThemeChoice();
  const name = useId();
  return (
    <fieldset className="flex items-center gap-0.5 rounded-md p-0.5 ring-1 ring-inset ring-slate-300 dark:ring-slate-600">
      <legend className="sr-only">{t("theme")}</legend>
      {THEME_CHOICES.map((option) => (
        <label key={option} className="relative cursor-pointer" title={t(`themes.${option}`)}>
          <input
            type="radio"
            name={name}
            value={option}
            checked={choice === option}
            onChange={() => setThemeChoice(option)}
            className="peer sr-only"
          />
          <span
            aria-hidden="true"
            className="flex h-7 w-7 items-center justify-center rounded text-slate-600 peer-checked:bg-slate-200 peer-checked:text-slate-900 peer-focus-visible:outline-2 peer-focus-visible:outline-offset-1 peer-focus-visible:outline-indigo-600 hover:text-slate-900 dark:text-slate-400 dark:peer-checked:bg-slate-700 dark:peer-checked:text-slate-100 dark:peer-focus-visible:outline-indigo-400 dark:hover:text-slate-100"
          >
            <svg viewBox="0 0 20 20" className="h-4 w-4" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round">
              {ICON_PATHS[option]}
            </svg>
          </span>
          <span className="sr-only">{t(`themes.${option}`)}</span>
        </label>
      ))}
    </fieldset>
  );
}
