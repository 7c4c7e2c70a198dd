import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import MockAdapter from "axios-mock-adapter";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LoginForm } from "@/components/auth/LoginForm";
import { api, apiClient } from "@/lib/api/client";
import { renderWithIntl } from "@/test/render";

const LOGIN = "/api/v1/auth/login/";
const MFA = "/api/v1/auth/mfa/";
const CHALLENGE = { mfaRequired: true, mfaToken: "signed-challenge", methods: ["recovery_codes", "totp"] };
const TOKENS = {
  access: "access-after-mfa",
  refresh: "refresh-after-mfa",
  user: { id: 7, email: "ada@example.test", fullName: "Ada" },
  role: "member",
};
const failure = (code: string, attr: string | null = null) => ({
  type: code === "invalid_code" ? "validation_error" : "client_error",
  errors: [{ code, detail: `backend says ${code}`, attr }],
});

let http: MockAdapter;

beforeEach(() => {
  http = new MockAdapter(api);
  apiClient.tokens.set(null);
});

afterEach(() => {
  http.restore();
  apiClient.tokens.set(null);
});

async function passwordStep(onSuccess = vi.fn(), locale: "en" | "fr" = "en") {
  const user = userEvent.setup();
  renderWithIntl(<LoginForm onSuccess={onSuccess} />, { locale });
  await user.type(screen.getByLabelText(locale === "en" ? "Email" : "E-mail"), "ada@example.test");
  await user.type(screen.getByLabelText(locale === "en" ? "Password" : "Mot de passe"), "correct horse");
  await user.click(screen.getByRole("button", { name: locale === "en" ? "Sign in" : "Se connecter" }));
  return { user, onSuccess };
}

describe("sign-in with MFA: the code step", () => {
  it("asks for the authenticator code after the password, then signs in exactly like a password login", async () => {
    http.onPost(LOGIN).reply(200, CHALLENGE);
    http.onPost(MFA).reply(200, TOKENS);
    const { user, onSuccess } = await passwordStep();

    const code = await screen.findByLabelText("Authentication code");
    expect(screen.getByRole("heading", { name: "Two-factor authentication" })).toBeInTheDocument();
    expect(screen.getByText("Enter the 6-digit code from your authenticator app.")).toBeInTheDocument();
    expect(code).toHaveAttribute("autocomplete", "one-time-code");
    expect(code).toHaveAttribute("inputmode", "numeric");
    expect(code).toHaveFocus();
    // The password step issued nothing.
    expect(apiClient.tokens.get()).toBeNull();
    expect(screen.queryByLabelText("Password")).not.toBeInTheDocument();

    await user.type(code, "123 456");
    await user.click(screen.getByRole("button", { name: "Verify" }));

    await vi.waitFor(() => expect(onSuccess).toHaveBeenCalledTimes(1));
    expect(onSuccess).toHaveBeenCalledWith(TOKENS);
    expect(http.history.post.map((r) => r.url)).toEqual([LOGIN, MFA]);
    expect(JSON.parse(http.history.post[1]!.data as string)).toEqual({ mfaToken: "signed-challenge", code: "123456" });
    expect(http.history.post[1]!.headers?.Authorization).toBeUndefined();
    expect(apiClient.tokens.get()).toBe("access-after-mfa");
    expect(screen.getByRole("button", { name: "Verifying…" })).toBeDisabled();
  });

  it("a wrong code shows the translated message next to the field and keeps the step", async () => {
    http.onPost(LOGIN).reply(200, CHALLENGE);
    http.onPost(MFA).replyOnce(400, failure("invalid_code", "code"));
    http.onPost(MFA).replyOnce(200, TOKENS);
    const { user, onSuccess } = await passwordStep();

    await user.type(await screen.findByLabelText("Authentication code"), "000000");
    await user.click(screen.getByRole("button", { name: "Verify" }));

    const field = screen.getByLabelText("Authentication code");
    expect(await screen.findByText("This code is not valid. Check the code and try again.")).toBeInTheDocument();
    expect(field).toHaveAttribute("aria-invalid", "true");
    expect(screen.queryByText("backend says invalid_code")).not.toBeInTheDocument();
    expect(onSuccess).not.toHaveBeenCalled();
    expect(apiClient.tokens.get()).toBeNull();

    // Still the same challenge: the next, right code signs in.
    await user.clear(field);
    await user.type(field, "654321");
    await user.click(screen.getByRole("button", { name: "Verify" }));
    await vi.waitFor(() => expect(onSuccess).toHaveBeenCalledTimes(1));
    expect(JSON.parse(http.history.post[2]!.data as string)).toEqual({ mfaToken: "signed-challenge", code: "654321" });
  });

  it.each([
    ["mfa_token_expired", "This sign-in has expired. Enter your email and password again."],
    ["mfa_attempts_exceeded", "Too many wrong codes. Enter your email and password again."],
    ["mfa_token_invalid", "This sign-in is no longer valid. Enter your email and password again."],
  ])("a challenge that is over (401 %s) goes back to the password step with a message", async (code, message) => {
    http.onPost(LOGIN).reply(200, CHALLENGE);
    http.onPost(MFA).reply(401, failure(code));
    const { user, onSuccess } = await passwordStep();

    await user.type(await screen.findByLabelText("Authentication code"), "123456");
    await user.click(screen.getByRole("button", { name: "Verify" }));

    expect(await screen.findByRole("status")).toHaveTextContent(message);
    expect(screen.getByLabelText("Password")).toHaveValue("");
    expect(screen.getByLabelText("Email")).toHaveValue("ada@example.test");
    expect(screen.queryByLabelText("Authentication code")).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Sign in" })).toBeEnabled();
    expect(onSuccess).not.toHaveBeenCalled();
    // No refresh was attempted for the 401 of a call made without a session.
    expect(http.history.post.map((r) => r.url)).toEqual([LOGIN, MFA]);
  });

  it("switches to a recovery code, sent as typed (trimmed)", async () => {
    http.onPost(LOGIN).reply(200, CHALLENGE);
    http.onPost(MFA).reply(200, TOKENS);
    const { user, onSuccess } = await passwordStep();

    await user.click(await screen.findByRole("button", { name: "Use a recovery code instead" }));
    const field = screen.getByLabelText("Recovery code");
    expect(screen.getByText("Enter one of your recovery codes. Each one works only once.")).toBeInTheDocument();
    expect(field).toHaveAttribute("autocomplete", "off");
    await user.type(field, " ab12cd34 ");
    await user.click(screen.getByRole("button", { name: "Verify" }));

    await vi.waitFor(() => expect(onSuccess).toHaveBeenCalledTimes(1));
    expect(JSON.parse(http.history.post[1]!.data as string)).toEqual({ mfaToken: "signed-challenge", code: "ab12cd34" });
    await user.click(screen.getByRole("button", { name: "Use your authenticator app instead" }));
    expect(screen.getByLabelText("Authentication code")).toBeInTheDocument();
  });

  it("offers no switch when the account has only one kind of code, and goes back on request", async () => {
    http.onPost(LOGIN).reply(200, { ...CHALLENGE, methods: ["recovery_codes"] });
    const { user } = await passwordStep();

    expect(await screen.findByLabelText("Recovery code")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Use your authenticator app instead" })).not.toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Back to sign in" }));
    expect(screen.getByLabelText("Password")).toBeInTheDocument();
    expect(screen.queryByRole("status")).not.toBeInTheDocument();
  });

  it("in French", async () => {
    http.onPost(LOGIN).reply(200, CHALLENGE);
    http.onPost(MFA).reply(400, failure("invalid_code", "code"));
    const { user } = await passwordStep(vi.fn(), "fr");

    expect(await screen.findByText("Saisissez le code à 6 chiffres de votre application d'authentification.")).toBeInTheDocument();
    await user.type(screen.getByLabelText("Code d'authentification"), "000000");
    await user.click(screen.getByRole("button", { name: "Vérifier" }));
    expect(await screen.findByText("Ce code n'est pas valide. Vérifiez-le et réessayez.")).toBeInTheDocument();
  });

  it("an account without MFA signs in at once, as before", async () => {
    http.onPost(LOGIN).reply(200, TOKENS);
    const { onSuccess } = await passwordStep();
    await vi.waitFor(() => expect(onSuccess).toHaveBeenCalledWith(TOKENS));
    expect(apiClient.tokens.get()).toBe("access-after-mfa");
    expect(screen.queryByLabelText("Authentication code")).not.toBeInTheDocument();
  });
});
