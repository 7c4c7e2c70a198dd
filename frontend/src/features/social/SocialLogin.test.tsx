import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import MockAdapter from "axios-mock-adapter";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LoginForm } from "@/components/auth/LoginForm";
import { api } from "@/lib/api/client";
import { renderWithIntl } from "@/test/render";
import { socialErrorKey } from "./providers";

const navigation = vi.hoisted(() => ({ search: "" }));
vi.mock("next/navigation", () => ({
  useSearchParams: () => new URLSearchParams(navigation.search),
  useRouter: () => ({ replace: vi.fn(), push: vi.fn() }),
}));

const CONFIG = "/_allauth/app/v1/config";
const SSO = { id: "sso-6f1c2a4e-0d3b-4c55-9a8e-2b7d9e4f1a10", name: "Acme SSO", flows: ["provider_redirect"] };
const GITHUB = { id: "github", name: "GitHub", flows: ["provider_redirect"] };

let http: MockAdapter;
beforeEach(() => {
  navigation.search = "";
  http = new MockAdapter(api);
  http.onGet(CONFIG).reply(200, { status: 200, data: { socialaccount: { providers: [SSO, GITHUB] } } });
});
afterEach(() => {
  http.restore();
});

function render(locale: "en" | "fr" = "en") {
  const onSuccess = vi.fn();
  renderWithIntl(<LoginForm onSuccess={onSuccess} />, { locale });
  return { onSuccess, user: userEvent.setup() };
}

describe("a provider sign-in that came back with ?error=", () => {
  it.each([
    ["not_a_member", "This account is not a member of this organisation. Ask an owner for an invitation, or sign in with another account."],
    ["email_taken", "An account already uses this email address. Sign in to it with its password first, then connect this provider."],
    ["sso_required", "Your organisation signs in with SSO. Use the SSO button to sign in."],
    ["cancelled", "The sign-in was cancelled. Try again when you are ready."],
    ["provider_unavailable", "The sign-in provider cannot be reached right now. Try again in a few minutes."],
    ["unknown", "The sign-in did not work. Try again, or sign in with your email and password."],
    ["signup_incomplete", "The sign-in did not work. Try again, or sign in with your email and password."],
    ["constructor", "The sign-in did not work. Try again, or sign in with your email and password."],
  ])("%s has its message", async (code, message) => {
    navigation.search = `?error=${code}&error_process=login`;
    render();
    expect(screen.getByRole("alert")).toHaveTextContent(message);
    // The buttons to try again, and the password form, are there too.
    expect(await screen.findByRole("button", { name: "Sign in with Acme SSO" })).toBeInTheDocument();
    expect(screen.getByLabelText("Password")).toBeInTheDocument();
  });

  it("in French", async () => {
    navigation.search = "?error=not_a_member&error_process=login";
    render("fr");
    expect(await screen.findByRole("button", { name: "Se connecter avec Acme SSO" })).toBeInTheDocument();
    expect(screen.getByRole("alert")).toHaveTextContent(
      "Ce compte n'est pas membre de cette organisation. Demandez une invitation à un propriétaire, ou connectez-vous avec un autre compte.",
    );
  });

  it("no error, no message", async () => {
    render();
    await screen.findByRole("button", { name: "Continue with GitHub" });
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("maps only the known codes", () => {
    expect(["not_a_member", "email_taken", "sso_required", "cancelled", "provider_unavailable", "unknown", "toString", ""].map(socialErrorKey)).toEqual([
      "notAMember",
      "emailTaken",
      "ssoRequired",
      "cancelled",
      "providerUnavailable",
      "unknown",
      "unknown",
      "unknown",
    ]);
  });
});

describe("a provider sign-in of an account with MFA (?mfaToken=&methods=)", () => {
  it("opens the code step directly and signs in with that token", async () => {
    navigation.search = "?mfaToken=challenge-token-1&methods=totp,recovery_codes";
    const result = { access: "access-1", refresh: "refresh-1", user: { id: 7 }, role: "member" };
    http.onPost("/api/v1/auth/mfa/").reply(200, result);
    const { user, onSuccess } = render();
    expect(screen.getByRole("heading", { name: "Two-factor authentication" })).toBeInTheDocument();
    expect(screen.queryByLabelText("Password")).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Use a recovery code instead" })).toBeInTheDocument();
    await user.type(screen.getByLabelText("Authentication code"), "123 456");
    await user.click(screen.getByRole("button", { name: "Verify" }));
    expect(onSuccess).toHaveBeenCalledWith(result);
    expect(http.history.post.map((r) => [r.url, JSON.parse(r.data as string)])).toEqual([
      ["/api/v1/auth/mfa/", { mfaToken: "challenge-token-1", code: "123456" }],
    ]);
  });

  it("with recovery codes only, asks for one", () => {
    navigation.search = "?mfaToken=challenge-token-2&methods=recovery_codes";
    render();
    expect(screen.getByLabelText("Recovery code")).toBeInTheDocument();
  });
});

describe("a password login refused with 403 sso_required", () => {
  it("says the organisation signs in with SSO, with its button", async () => {
    http.onPost("/api/v1/auth/login/").reply(403, {
      type: "client_error",
      errors: [{ code: "sso_required", detail: "This organisation signs in with SSO.", attr: null }],
    });
    const { user, onSuccess } = render();
    await screen.findByRole("button", { name: "Sign in with Acme SSO" });
    await user.type(screen.getByLabelText("Email"), "ada@acme.test");
    await user.type(screen.getByLabelText("Password"), "correct horse");
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByRole("status")).toHaveTextContent("Your organisation signs in with SSO. Use the SSO button to sign in.");
    expect(screen.getByRole("button", { name: "Sign in with Acme SSO" })).toHaveAttribute("type", "submit");
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
    expect(screen.getByLabelText("Password")).toHaveValue("");
    expect(onSuccess).not.toHaveBeenCalled();
  });
});
