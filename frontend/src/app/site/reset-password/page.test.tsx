import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import MockAdapter from "axios-mock-adapter";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api } from "@/lib/api/client";
import { renderWithIntl } from "@/test/render";
import ResetPasswordPage from "./page";

const navigation = vi.hoisted(() => ({ search: "", replace: vi.fn(), push: vi.fn() }));
vi.mock("next/navigation", () => ({
  useSearchParams: () => new URLSearchParams(navigation.search),
  useRouter: () => ({ replace: navigation.replace, push: navigation.push }),
}));

const RESET = "/_allauth/app/v1/auth/password/reset";
let http: MockAdapter;

beforeEach(() => {
  http = new MockAdapter(api);
  navigation.search = "?key=abc-123";
  navigation.replace.mockReset();
});

afterEach(() => {
  http.restore();
});

function errorList(input: HTMLElement): HTMLElement | null {
  const id = (input.getAttribute("aria-describedby") ?? "").split(" ").find((part) => part.endsWith("-error"));
  return id ? document.getElementById(id) : null;
}

describe("public /reset-password", () => {
  it("posts the key from the link and the new password, then goes to the public sign-in page", async () => {
    // allauth answers 401 when the reset worked but does not sign in (ACCOUNT_LOGIN_ON_PASSWORD_RESET = False).
    http.onPost(RESET).reply(401, { status: 401, data: { flows: [] }, meta: { is_authenticated: false } });
    const user = userEvent.setup();
    renderWithIntl(<ResetPasswordPage />);

    expect(screen.getByRole("heading", { name: "Choose a new password" })).toBeInTheDocument();
    await user.type(screen.getByLabelText("New password"), "correct-horse-battery");
    await user.click(screen.getByRole("button", { name: "Set new password" }));

    await waitFor(() => expect(navigation.replace).toHaveBeenCalledWith("/login?passwordReset=1"));
    expect(http.history.post).toHaveLength(1);
    expect(JSON.parse(http.history.post[0]!.data as string)).toEqual({ key: "abc-123", password: "correct-horse-battery" });
    expect(http.history.post[0]!.headers!.Authorization).toBeUndefined();
  });

  it("shows the API's password errors next to the field and other errors at the top", async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    http.onPost(RESET).reply(async () => {
      await gate;
      return [
        400,
        {
          status: 400,
          errors: [
            { code: "password_too_short", message: "This password is too short.", param: "password" },
            { code: "password_too_common", message: "This password is too common.", param: "password" },
            { code: "throttled", message: "Something about the whole form." },
          ],
        },
      ];
    });
    const user = userEvent.setup();
    renderWithIntl(<ResetPasswordPage />);
    await user.type(screen.getByLabelText("New password"), "short");
    await user.click(screen.getByRole("button", { name: "Set new password" }));

    // Loading state while the request is in flight.
    const busy = await screen.findByRole("button", { name: "Saving…" });
    expect(busy).toBeDisabled();
    expect(busy).toHaveAttribute("aria-busy", "true");
    release();

    const password = screen.getByLabelText("New password");
    await waitFor(() => expect(password).toHaveAttribute("aria-invalid", "true"));
    expect(errorList(password)).toHaveTextContent("This password is too short.");
    expect(errorList(password)).toHaveTextContent("This password is too common.");
    expect(screen.getByRole("alert")).toHaveTextContent("Something about the whole form.");
    expect(screen.getByRole("button", { name: "Set new password" })).toBeEnabled();
    expect(navigation.replace).not.toHaveBeenCalled();
  });

  it("offers a new link when the key is rejected", async () => {
    http.onPost(RESET).reply(400, {
      status: 400,
      errors: [{ code: "invalid_password_reset", message: "The password reset token was invalid.", param: "key" }],
    });
    const user = userEvent.setup();
    renderWithIntl(<ResetPasswordPage />);
    await user.type(screen.getByLabelText("New password"), "correct-horse-battery");
    await user.click(screen.getByRole("button", { name: "Set new password" }));

    expect(await screen.findByRole("alert")).toHaveTextContent("The password reset token was invalid.");
    expect(screen.getByLabelText("New password")).not.toHaveAttribute("aria-invalid");
    expect(screen.getByRole("link", { name: "Ask for a new link" })).toHaveAttribute("href", "/forgot-password");
  });

  it("says the link is incomplete without a key, and sends nothing", () => {
    navigation.search = "";
    renderWithIntl(<ResetPasswordPage />);
    expect(screen.getByRole("alert")).toHaveTextContent("The link is incomplete or has expired.");
    expect(screen.getByRole("link", { name: "Ask for a new link" })).toHaveAttribute("href", "/forgot-password");
    expect(screen.queryByLabelText("New password")).not.toBeInTheDocument();
    expect(http.history.post).toHaveLength(0);
  });

  it("is translated", () => {
    renderWithIntl(<ResetPasswordPage />, { locale: "fr" });
    expect(screen.getByRole("heading", { name: "Choisir un nouveau mot de passe" })).toBeInTheDocument();
    expect(screen.getByLabelText("Nouveau mot de passe")).toBeInTheDocument();
  });
});
