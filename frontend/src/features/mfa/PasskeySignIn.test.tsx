import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import MockAdapter from "axios-mock-adapter";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LoginForm } from "@/components/auth/LoginForm";
import { api, apiClient } from "@/lib/api/client";
import { renderWithIntl } from "@/test/render";

// The browser's WebAuthn API is the boundary here (jsdom has none): a stand-in for navigator.credentials.
const OPTIONS = "/api/v1/auth/passkey/options/";
const PASSKEY = "/api/v1/auth/passkey/";
const CONFIG = "/_allauth/app/v1/config";
const TOKENS = { access: "access-by-passkey", refresh: "r", user: { id: 7, email: "ada@example.test", fullName: "Ada" }, role: "member" };
const REQUEST_OPTIONS = { publicKey: { challenge: "AAEC", rpId: "acme.localhost", userVerification: "required" } };
const buf = (...values: number[]) => new Uint8Array(values).buffer;
const assertion = {
  id: "BAU",
  rawId: buf(4, 5),
  type: "public-key",
  authenticatorAttachment: "platform",
  response: { clientDataJSON: buf(1), authenticatorData: buf(2), signature: buf(3), userHandle: buf(0x37) },
  getClientExtensionResults: () => ({}),
};

let http: MockAdapter;
const credentials = { get: vi.fn(), create: vi.fn() };

beforeEach(() => {
  http = new MockAdapter(api);
  http.onGet(CONFIG).reply(200, { status: 200, data: { socialaccount: { providers: [] } } });
  apiClient.tokens.set(null);
  vi.stubGlobal("PublicKeyCredential", function PublicKeyCredential() {});
  Object.defineProperty(navigator, "credentials", { value: credentials, configurable: true });
});

afterEach(() => {
  http.restore();
  apiClient.tokens.set(null);
  vi.unstubAllGlobals();
  credentials.get.mockReset();
});

function renderLogin(locale: "en" | "fr" = "en", passkey = true) {
  const onSuccess = vi.fn();
  renderWithIntl(<LoginForm onSuccess={onSuccess} passkey={passkey} />, { locale });
  return { user: userEvent.setup(), onSuccess };
}

const refusal = (status: number, code: string) => [status, { type: "client_error", errors: [{ code, detail: "backend says", attr: null }] }] as const;

describe("Sign in with a passkey", () => {
  it("signs in with the passkey alone: no email, no password, no second step", async () => {
    http.onPost(OPTIONS).reply(200, { requestOptions: REQUEST_OPTIONS });
    http.onPost(PASSKEY).reply(200, TOKENS);
    credentials.get.mockResolvedValue(assertion);
    const { user, onSuccess } = renderLogin();

    await user.click(await screen.findByRole("button", { name: "Sign in with a passkey" }));

    await vi.waitFor(() => expect(onSuccess).toHaveBeenCalledWith(TOKENS));
    expect(http.history.post.map((r) => r.url)).toEqual([OPTIONS, PASSKEY]);
    // The browser lists this host's passkeys itself (none named) and verifies the person.
    const { publicKey } = credentials.get.mock.calls[0]![0] as { publicKey: PublicKeyCredentialRequestOptions };
    expect(new Uint8Array(publicKey.challenge as ArrayBuffer)).toEqual(new Uint8Array([0, 1, 2]));
    expect(publicKey.allowCredentials).toBeUndefined();
    expect(publicKey.userVerification).toBe("required");
    expect(JSON.parse(http.history.post[1]!.data as string)).toEqual({
      credential: {
        id: "BAU",
        rawId: "BAU",
        type: "public-key",
        authenticatorAttachment: "platform",
        response: { clientDataJSON: "AQ", authenticatorData: "Ag", signature: "Aw", userHandle: "Nw" },
        clientExtensionResults: {},
      },
    });
    expect(apiClient.tokens.get()).toBe("access-by-passkey");
    expect(screen.getByRole("button", { name: "Signing in with your passkey…" })).toBeDisabled();
  });

  it("is in French on a French page", async () => {
    renderLogin("fr");
    expect(await screen.findByRole("button", { name: "Se connecter avec une clé d'accès" })).toBeEnabled();
  });

  it.each([
    ["a cancelled dialog", "en", () => credentials.get.mockRejectedValue(new DOMException("no", "NotAllowedError")), "No passkey was used: the request was cancelled or timed out, or this device has no passkey for this organisation. Try again, or sign in with your email and password."],
    ["401 passkey_invalid", "en", () => http.onPost(PASSKEY).reply(...refusal(401, "passkey_invalid")), "This passkey cannot sign you in here. Try again, or sign in with your email and password."],
    ["403 passkey_not_passwordless", "en", () => http.onPost(PASSKEY).reply(...refusal(403, "passkey_not_passwordless")), "This passkey was added as a second step only. Sign in with your password, then add a passkey for signing in without a password in your profile."],
    ["401 passkey_invalid", "fr", () => http.onPost(PASSKEY).reply(...refusal(401, "passkey_invalid")), "Cette clé d'accès ne peut pas vous connecter ici. Réessayez, ou connectez-vous avec votre e-mail et votre mot de passe."],
    ["a cancelled dialog", "fr", () => credentials.get.mockRejectedValue(new DOMException("no", "AbortError")), "Aucune clé d'accès n'a été utilisée : la demande a été annulée ou a expiré, ou cet appareil n'a pas de clé d'accès pour cette organisation. Réessayez, ou connectez-vous avec votre e-mail et votre mot de passe."],
  ])("%s (%s) is said in the page's language and keeps the form", async (_what, locale, arrange, message) => {
    http.onPost(OPTIONS).reply(200, { requestOptions: REQUEST_OPTIONS });
    credentials.get.mockResolvedValue(assertion);
    arrange();
    const { user, onSuccess } = renderLogin(locale as "en" | "fr");

    await user.click(await screen.findByRole("button", { name: locale === "en" ? "Sign in with a passkey" : "Se connecter avec une clé d'accès" }));

    expect(await screen.findByRole("alert")).toHaveTextContent(message);
    expect(onSuccess).not.toHaveBeenCalled();
    expect(apiClient.tokens.get()).toBeNull();
    // The password form is still there.
    expect(screen.getByLabelText(locale === "en" ? "Password" : "Mot de passe")).toBeInTheDocument();
  });

  it("an organisation that signs in with SSO says so", async () => {
    http.onPost(OPTIONS).reply(200, { requestOptions: REQUEST_OPTIONS });
    http.onPost(PASSKEY).reply(...refusal(403, "sso_required"));
    credentials.get.mockResolvedValue(assertion);
    const { user, onSuccess } = renderLogin();

    await user.click(await screen.findByRole("button", { name: "Sign in with a passkey" }));

    expect(await screen.findByText("Your organisation signs in with SSO. Use the SSO button to sign in.")).toBeInTheDocument();
    expect(onSuccess).not.toHaveBeenCalled();
  });

  it("too many attempts: the wait, from the rate limit", async () => {
    http.onPost(OPTIONS).reply(429, { type: "client_error", errors: [{ code: "rate_limited", detail: "x", attr: null }] }, { "retry-after": "30" });
    const { user } = renderLogin();

    await user.click(await screen.findByRole("button", { name: "Sign in with a passkey" }));

    expect(await screen.findByRole("alert")).toHaveTextContent("Too many attempts. Please wait 30 seconds and try again.");
    expect(credentials.get).not.toHaveBeenCalled();
  });

  it("is not offered without WebAuthn in the browser", async () => {
    vi.unstubAllGlobals();
    renderLogin();
    expect(await screen.findByLabelText("Password")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /passkey/i })).not.toBeInTheDocument();
  });

  it("is not offered on a page that does not ask for it (the public host's sign-in)", async () => {
    renderLogin("en", false);
    expect(await screen.findByLabelText("Password")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /passkey/i })).not.toBeInTheDocument();
  });
});
