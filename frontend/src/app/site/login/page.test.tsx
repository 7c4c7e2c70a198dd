import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import MockAdapter from "axios-mock-adapter";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { apiClient } from "@/lib/api/client";
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

  it("a wrong email or password says just that: an account signs in to itself here, membership is not asked", async () => {
    const http = new MockAdapter(apiClient.http);
    http.onPost("/api/v1/auth/login/").reply(401, {
      type: "client_error",
      errors: [{ code: "invalid_credentials", detail: "Email or password is incorrect.", attr: null }],
    });
    const user = userEvent.setup();
    renderWithIntl(<AccountLoginPage />);
    await user.type(screen.getByLabelText("Email"), "ada@acme.test");
    await user.type(screen.getByLabelText("Password"), "wrong-password");
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Wrong email or password.");
    expect(screen.queryByText(/not a member/)).not.toBeInTheDocument();
    http.restore();
  });
});
