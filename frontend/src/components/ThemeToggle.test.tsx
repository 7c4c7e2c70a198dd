import { act, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { THEME_SCRIPT, THEME_STORAGE_KEY } from "@/lib/theme";
import { renderWithIntl } from "@/test/render";
import { ThemeToggle } from "./ThemeToggle";

/** jsdom has no matchMedia: a system preference that a test sets, and changes, by hand. */
function fakeSystem(dark: boolean) {
  const listeners = new Set<() => void>();
  const media = {
    get matches() {
      return dark;
    },
    media: "(prefers-color-scheme: dark)",
    addEventListener: (_: string, listener: () => void) => listeners.add(listener),
    removeEventListener: (_: string, listener: () => void) => listeners.delete(listener),
  };
  vi.stubGlobal("matchMedia", vi.fn(() => media));
  return {
    change(next: boolean) {
      dark = next;
      for (const listener of listeners) listener();
    },
  };
}

const html = document.documentElement;

beforeEach(() => {
  localStorage.clear();
  html.classList.remove("dark");
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe("the theme script (inline in <head>, before the first paint)", () => {
  const run = () => new Function(THEME_SCRIPT)();

  it("follows the system when nothing is chosen", () => {
    fakeSystem(true);
    run();
    expect(html).toHaveClass("dark");
    html.classList.remove("dark");
    fakeSystem(false);
    run();
    expect(html).not.toHaveClass("dark");
  });

  it("a stored choice wins over the system", () => {
    fakeSystem(true);
    localStorage.setItem(THEME_STORAGE_KEY, "light");
    run();
    expect(html).not.toHaveClass("dark");
    fakeSystem(false);
    localStorage.setItem(THEME_STORAGE_KEY, "dark");
    run();
    expect(html).toHaveClass("dark");
  });

  it("stays light, without throwing, when storage is refused", () => {
    fakeSystem(true);
    vi.spyOn(Storage.prototype, "getItem").mockImplementationOnce(() => {
      throw new DOMException("denied", "SecurityError");
    });
    expect(run).not.toThrow();
    expect(html).not.toHaveClass("dark");
  });
});

describe("ThemeToggle", () => {
  it("offers system, light and dark as radio buttons, system first and checked", () => {
    fakeSystem(false);
    renderWithIntl(<ThemeToggle />);
    const group = screen.getByRole("group", { name: "Theme" });
    const radios = within(group).getAllByRole("radio");
    expect(radios.map((radio) => radio.getAttribute("value"))).toEqual(["system", "light", "dark"]);
    expect(within(group).getByRole("radio", { name: "Match the system" })).toBeChecked();
  });

  it("dark and light are stored and applied at once; system follows the system, also when it changes", async () => {
    const user = userEvent.setup();
    const system = fakeSystem(false);
    renderWithIntl(<ThemeToggle />);

    await user.click(screen.getByRole("radio", { name: "Dark" }));
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe("dark");
    expect(html).toHaveClass("dark");
    expect(screen.getByRole("radio", { name: "Dark" })).toBeChecked();

    await user.click(screen.getByRole("radio", { name: "Light" }));
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe("light");
    expect(html).not.toHaveClass("dark");

    await user.click(screen.getByRole("radio", { name: "Match the system" }));
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe("system");
    expect(html).not.toHaveClass("dark");
    act(() => system.change(true));
    expect(html).toHaveClass("dark");
    act(() => system.change(false));
    expect(html).not.toHaveClass("dark");
  });

  it("shows the stored choice, and follows another tab's", () => {
    fakeSystem(false);
    localStorage.setItem(THEME_STORAGE_KEY, "dark");
    renderWithIntl(<ThemeToggle />);
    expect(screen.getByRole("radio", { name: "Dark" })).toBeChecked();

    localStorage.setItem(THEME_STORAGE_KEY, "light");
    act(() => void window.dispatchEvent(new StorageEvent("storage", { key: THEME_STORAGE_KEY })));
    expect(screen.getByRole("radio", { name: "Light" })).toBeChecked();
    expect(html).not.toHaveClass("dark");
  });

  it("in French", () => {
    fakeSystem(false);
    renderWithIntl(<ThemeToggle />, { locale: "fr" });
    const group = screen.getByRole("group", { name: "Thème" });
    expect(within(group).getByRole("radio", { name: "Comme le système" })).toBeChecked();
    expect(within(group).getByRole("radio", { name: "Sombre" })).toBeInTheDocument();
    expect(within(group).getByRole("radio", { name: "Clair" })).toBeInTheDocument();
  });
});
