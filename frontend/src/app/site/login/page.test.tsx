import { screen } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { renderWithIntl } from "@/test/render";
import AccountLoginPage from "./page";

const navigation = vi.hoisted(() => ({ search: "" }));
vi.mock("next/navigation", () => ({
  useSearchParams: () => new URLSearchParams(navigation.search),
  useRouter: () => ({ replace: vi.fn(), push: vi.fn() }),
}));

beforeEach(() => {
  navigation.search = "";
});

describe("public /login", () => {
  it("links to the public host's forgot-password page", () => {
    renderWithIntl(<AccountLoginPage />);
    expect(screen.getByRole("link", { name: "Forgot your password?" })).toHaveAttribute("href", "/forgot-password");
    expect(screen.queryByRole("status")).not.toBeInTheDocument();
  });

  it("in French too", () => {
    renderWithIntl(<AccountLoginPage />, { locale: "fr" });
    expect(screen.getByRole("link", { name: "Mot de passe oublié ?" })).toHaveAttribute("href", "/forgot-password");
  });

  it("says the password was changed when coming from /reset-password", () => {
    navigation.search = "?passwordReset=1";
    renderWithIntl(<AccountLoginPage />);
    expect(screen.getByRole("status")).toHaveTextContent("Your password was changed. Sign in with your new password.");
  });
});
