/**
 * Light or dark: the person's choice (system, light or dark) kept in localStorage, applied as the `dark` class on
 * <html> (Tailwind's `dark:` variant, see globals.css). THEME_SCRIPT applies it before the first paint, inline
 * in the root layout's <head>; after that, changing the choice, another tab changing it, or the system changing
 * while the choice is "system" re-applies it here.
 *
 * localStorage is per origin: the public site and each organisation's host remember their own choice.
 */
import { useSyncExternalStore } from "react";
import { DARK_QUERY, THEME_CHOICES, THEME_STORAGE_KEY, type Theme, type ThemeChoice } from "./themeScript";

export { THEME_CHOICES, THEME_SCRIPT, THEME_STORAGE_KEY, type Theme, type ThemeChoice } from "./themeScript";

function isChoice(value: unknown): value is ThemeChoice {
  return (THEME_CHOICES as readonly unknown[]).includes(value);
}

export function readThemeChoice(): ThemeChoice {
  try {
    const stored = window.localStorage.getItem(THEME_STORAGE_KEY);
    return isChoice(stored) ? stored : "system";
  } catch {
    return "system";
  }
}

function systemTheme(): Theme {
  return typeof window.matchMedia === "function" && window.matchMedia(DARK_QUERY).matches ? "dark" : "light";
}

export function resolveTheme(choice: ThemeChoice): Theme {
  return choice === "system" ? systemTheme() : choice;
}

function applyTheme(choice: ThemeChoice): void {
  document.documentElement.classList.toggle("dark", resolveTheme(choice) === "dark");
}

const listeners = new Set<() => void>();

function changed(): void {
  applyTheme(readThemeChoice());
  for (const listener of listeners) listener();
}

export function setThemeChoice(choice: ThemeChoice): void {
  try {
    window.localStorage.setItem(THEME_STORAGE_KEY, choice);
  } catch {
    // Not stored (private mode with no storage): still applied to this page.
  }
  applyTheme(choice);
  for (const listener of listeners) listener();
}

/** While anything listens (the root layout's toaster always does), other tabs and the system are followed. */
function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (listeners.size === 1) {
    window.addEventListener("storage", changed);
    if (typeof window.matchMedia === "function") window.matchMedia(DARK_QUERY).addEventListener("change", changed);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      window.removeEventListener("storage", changed);
      if (typeof window.matchMedia === "function") window.matchMedia(DARK_QUERY).removeEventListener("change", changed);
    }
  };
}

/** The choice, "system" on the server and during hydration (the server cannot know it: no mismatch). */
export function useThemeChoice(): ThemeChoice {
  return useSyncExternalStore(subscribe, readThemeChoice, () => "system");
}

/** The theme the page has now, "light" on the server and during hydration. */
export function useResolvedTheme(): Theme {
  return useSyncExternalStore(subscribe, () => resolveTheme(readThemeChoice()), () => "light");
}
