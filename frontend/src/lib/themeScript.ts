/**
 * What the root layout (a server component) needs of the theme: no React here, so it can import it.
 * The rest (reading, choosing, following the system) is in ./theme.ts.
 */
export const THEME_CHOICES = ["system", "light", "dark"] as const;
export type ThemeChoice = (typeof THEME_CHOICES)[number];
export type Theme = "light" | "dark";

export const THEME_STORAGE_KEY = "theme";
export const DARK_QUERY = "(prefers-color-scheme: dark)";

/**
 * Runs in <head> before the body is parsed, so a dark page never flashes white. Plain ES5 with no imports (it is
 * a string, not bundled); what it decides is what `resolveTheme(readThemeChoice())` decides. Storage can throw
 * (disabled cookies, a sandboxed frame): the page then stays light.
 */
export const THEME_SCRIPT = `(function(){try{var c=localStorage.getItem(${JSON.stringify(THEME_STORAGE_KEY)});var d=c==="dark"||(c!=="light"&&window.matchMedia(${JSON.stringify(DARK_QUERY)}).matches);document.documentElement.classList.toggle("dark",d)}catch(e){}})();`;
