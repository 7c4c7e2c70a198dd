import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import MockAdapter from "axios-mock-adapter";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LoginForm } from "@/components/auth/LoginForm";
import { api, apiClient } from "@/lib/api/client";
import { renderWithIntl } from "@/test/render";
import { MfaSettings } from "./MfaSettings";

// The browser's WebAuthn API is the boundary here (jsdom has none): a stand-in for navigator.credentials.
const LOGIN = "/api/v1/auth/login/";
const MFA = "/api/v1/auth/mfa/";
const OPTIONS = "/api/v1/auth/mfa/webauthn/options/";
const BASE = "/_allauth/app/v1";
const SESSION = "allauth-session-token-1";
const CHALLENGE = { mfaRequired: true, mfaToken: "signed-challenge", methods: ["recovery_codes", "webauthn"] };
const TOKENS = { access: "access-after-passkey", refresh: "r", user: { id: 7, email: "ada@example.test", fullName: "Ada" }, role: "member" };
const REQUEST_OPTIONS = {
  publicKey: { challenge: "AAEC", rpId: "acme.localhost", allowCredentials: [{ type: "public-key", id: "BAU" }], userVerification: "preferred" },
};
const CREATED = Date.UTC(2026, 11, 1, 12) / 1000;
const PASSKEY = { type: "webauthn", id: 41, name: "Work laptop", created_at: CREATED, last_used_at: null, is_passwordless: false };
const RECOVERY = { type: "recovery_codes", created_at: CREATED, last_used_at: null, total_code_count: 3, unused_code_count: 3 };
const buf = (...values: number[]) => new Uint8Array(values).buffer;

const assertion = {
  id: "BAU",
  rawId: buf(4, 5),
  type: "public-key",
  authenticatorAttachment: "platform",
  response: { clientDataJSON: buf(1), authenticatorData: buf(2), signature: buf(3), userHandle: null },
  getClientExtensionResults: () => ({}),
};
const attestation = {
  id: "BAU",
  rawId: buf(4, 5),
  type: "public-key",
  authenticatorAttachment: "platform",
  response: { clientDataJSON: buf(1), attestationObject: buf(9) },
  getClientExtensionResults: () => ({ credProps: { rk: false } }),
};

let http: MockAdapter;
const credentials = { get: vi.fn(), create: vi.fn() };

beforeEach(() => {
  http = new MockAdapter(api);
  apiClient.tokens.set(null);
  vi.stubGlobal("PublicKeyCredential", function PublicKeyCredential() {});
  Object.defineProperty(navigator, "credentials", { value: credentials, configurable: true });
});

afterEach(() => {
  http.restore();
  apiClient.tokens.set(null);
  vi.unstubAllGlobals();
  credentials.get.mockReset();
  credentials.create.mockReset();
});

async function passwordStep() {
  const user = userEvent.setup();
  const onSuccess = vi.fn();
  renderWithIntl(<LoginForm onSuccess={onSuccess} />, { locale: "en" });
  await user.type(screen.getByLabelText("Email"), "ada@example.test");
  await user.type(screen.getByLabelText("Password"), "correct horse");
  await user.click(screen.getByRole("button", { name: "Sign in" }));
  return { user, onSuccess };
}

describe("sign-in with a passkey as the second step", () => {
  it("offers the passkey first, and its assertion signs in", async () => {
    http.onPost(LOGIN).reply(200, CHALLENGE);
    http.onPost(OPTIONS).reply(200, { requestOptions: REQUEST_OPTIONS });
    http.onPost(MFA).reply(200, TOKENS);
    credentials.get.mockResolvedValue(assertion);
    const { user, onSuccess } = await passwordStep();

    expect(await screen.findByText(/Use the passkey you added to this account/)).toBeInTheDocument();
    expect(screen.queryByLabelText("Recovery code")).not.toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Use a passkey" }));

    await vi.waitFor(() => expect(onSuccess).toHaveBeenCalledWith(TOKENS));
    expect(http.history.post.map((r) => r.url)).toEqual([LOGIN, OPTIONS, MFA]);
    expect(JSON.parse(http.history.post[1]!.data as string)).toEqual({ mfaToken: "signed-challenge" });
    const { publicKey } = credentials.get.mock.calls[0]![0] as { publicKey: PublicKeyCredentialRequestOptions };
    expect(new Uint8Array(publicKey.challenge as ArrayBuffer)).toEqual(new Uint8Array([0, 1, 2]));
    expect(publicKey.rpId).toBe("acme.localhost");
    expect(JSON.parse(http.history.post[2]!.data as string)).toEqual({
      mfaToken: "signed-challenge",
      credential: {
        id: "BAU",
        rawId: "BAU",
        type: "public-key",
        authenticatorAttachment: "platform",
        response: { clientDataJSON: "AQ", authenticatorData: "Ag", signature: "Aw" },
        clientExtensionResults: {},
      },
    });
    expect(apiClient.tokens.get()).toBe("access-after-passkey");
  });

  it("a cancelled passkey dialog says so, sends nothing, and a recovery code still works", async () => {
    http.onPost(LOGIN).reply(200, CHALLENGE);
    http.onPost(OPTIONS).reply(200, { requestOptions: REQUEST_OPTIONS });
    http.onPost(MFA).reply(200, TOKENS);
    credentials.get.mockRejectedValue(new DOMException("The operation either timed out or was not allowed.", "NotAllowedError"));
    const { user, onSuccess } = await passwordStep();

    await user.click(await screen.findByRole("button", { name: "Use a passkey" }));
    expect(await screen.findByText(/No passkey was used/)).toBeInTheDocument();
    expect(http.history.post.map((r) => r.url)).toEqual([LOGIN, OPTIONS]);

    await user.click(screen.getByRole("button", { name: "Use a recovery code instead" }));
    await user.type(screen.getByLabelText("Recovery code"), "31415926");
    await user.click(screen.getByRole("button", { name: "Verify" }));
    await vi.waitFor(() => expect(onSuccess).toHaveBeenCalledWith(TOKENS));
    expect(JSON.parse(http.history.post[2]!.data as string)).toEqual({ mfaToken: "signed-challenge", code: "31415926" });
  });

  it("a passkey the server refuses (400 invalid_code) keeps the step with a message", async () => {
    http.onPost(LOGIN).reply(200, CHALLENGE);
    http.onPost(OPTIONS).reply(200, { requestOptions: REQUEST_OPTIONS });
    http.onPost(MFA).reply(400, { type: "validation_error", errors: [{ code: "invalid_code", detail: "backend", attr: "credential" }] });
    credentials.get.mockResolvedValue(assertion);
    const { user, onSuccess } = await passwordStep();

    await user.click(await screen.findByRole("button", { name: "Use a passkey" }));
    expect(await screen.findByText("This passkey was not accepted. Try again, or use another method.")).toBeInTheDocument();
    expect(onSuccess).not.toHaveBeenCalled();
    expect(screen.getByRole("button", { name: "Use a passkey" })).toBeEnabled();
  });

  it("without WebAuthn in the browser, the code step is shown as before", async () => {
    vi.unstubAllGlobals();
    http.onPost(LOGIN).reply(200, CHALLENGE);
    await passwordStep();
    expect(await screen.findByLabelText("Recovery code")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /passkey/i })).not.toBeInTheDocument();
  });
});

describe("passkeys in the profile", () => {
  function allauth(authenticators: () => unknown[]) {
    http.onPost(`${BASE}/auth/login`).reply(200, { status: 200, data: { user: { id: 7 } }, meta: { session_token: SESSION, is_authenticated: true } });
    http.onPost(`${BASE}/auth/reauthenticate`).reply(200, { status: 200 });
    http.onGet(`${BASE}/account/authenticators`).reply(() => [200, { status: 200, data: authenticators() }]);
  }

  async function unlocked() {
    const user = userEvent.setup();
    const onChanged = vi.fn();
    renderWithIntl(<MfaSettings email="ada@example.test" organisation="Acme" onChanged={onChanged} />, { locale: "en" });
    await user.type(screen.getByLabelText("Password"), "correct horse");
    await user.click(screen.getByRole("button", { name: "Continue" }));
    return { user, onChanged };
  }

  it("adds a passkey with allauth's creation options, then shows the recovery codes made with it", async () => {
    let stored: unknown[] = [];
    allauth(() => stored);
    // For a passwordless sign-in too, unless unticked: allauth's `?passwordless` options (a discoverable credential).
    http.onGet(`${BASE}/account/authenticators/webauthn?passwordless`).reply(200, {
      status: 200,
      data: {
        creation_options: {
          publicKey: {
            rp: { id: "acme.localhost", name: "Acme" },
            user: { id: "Mw", name: "ada@example.test", displayName: "Ada" },
            challenge: "AAEC",
            pubKeyCredParams: [{ type: "public-key", alg: -7 }],
            excludeCredentials: [],
          },
        },
      },
    });
    http.onPost(`${BASE}/account/authenticators/webauthn`).reply(() => {
      stored = [{ ...PASSKEY, is_passwordless: true }, RECOVERY];
      return [200, { status: 200, data: PASSKEY, meta: { recovery_codes_generated: true } }];
    });
    http.onGet(`${BASE}/account/authenticators/recovery-codes`).reply(200, { status: 200, data: { ...RECOVERY, unused_codes: ["31415926"] } });
    credentials.create.mockResolvedValue(attestation);
    const { user, onChanged } = await unlocked();

    expect(await screen.findByTestId("mfa-status")).toHaveTextContent("Off");
    await user.click(screen.getByRole("button", { name: "Add a passkey" }));
    await user.type(screen.getByLabelText("Name (optional)"), "Work laptop");
    expect(screen.getByRole("checkbox", { name: /Also sign in with it, without a password/ })).toBeChecked();
    await user.click(screen.getByRole("button", { name: "Create passkey" }));

    expect(await screen.findByRole("list", { name: "Recovery codes" })).toHaveTextContent("31415926");
    expect(screen.getByText("Passkey added.")).toBeInTheDocument();
    expect(onChanged).toHaveBeenCalledTimes(1);
    const { publicKey } = credentials.create.mock.calls[0]![0] as { publicKey: PublicKeyCredentialCreationOptions };
    expect(new Uint8Array(publicKey.user.id as ArrayBuffer)).toEqual(new Uint8Array([0x33]));
    const posted = http.history.post.find((r) => r.url === `${BASE}/account/authenticators/webauthn`)!;
    expect(posted.headers?.["X-Session-Token"]).toBe(SESSION);
    expect(JSON.parse(posted.data as string)).toEqual({
      name: "Work laptop",
      credential: {
        id: "BAU",
        rawId: "BAU",
        type: "public-key",
        authenticatorAttachment: "platform",
        response: { clientDataJSON: "AQ", attestationObject: "CQ" },
        clientExtensionResults: { credProps: { rk: false } },
      },
      passwordless: true,
    });

    await user.click(screen.getByRole("button", { name: "Done" }));
    expect(screen.getByTestId("mfa-status")).toHaveTextContent("On");
    expect(screen.getByRole("list", { name: "Passkeys" })).toHaveTextContent(
      "Work laptop (added Dec 1, 2026) · signs in without a password",
    );
  });

  it("unticked, the passkey is a second step only (allauth's options without `?passwordless`)", async () => {
    let stored: unknown[] = [RECOVERY];
    allauth(() => stored);
    http.onGet(`${BASE}/account/authenticators/webauthn`).reply(200, {
      status: 200,
      data: { creation_options: { publicKey: { rp: { id: "acme.localhost", name: "Acme" }, user: { id: "Mw", name: "a", displayName: "A" }, challenge: "AAEC" } } },
    });
    http.onPost(`${BASE}/account/authenticators/webauthn`).reply(() => {
      stored = [PASSKEY, RECOVERY];
      return [200, { status: 200, data: PASSKEY, meta: { recovery_codes_generated: false } }];
    });
    credentials.create.mockResolvedValue(attestation);
    const { user } = await unlocked();

    await user.click(await screen.findByRole("button", { name: "Add a passkey" }));
    await user.click(screen.getByRole("checkbox", { name: /Also sign in with it, without a password/ }));
    await user.click(screen.getByRole("button", { name: "Create passkey" }));

    expect(await screen.findByText("Passkey added.")).toBeInTheDocument();
    expect(http.history.get.map((r) => r.url)).toContain(`${BASE}/account/authenticators/webauthn`);
    expect(http.history.get.map((r) => r.url)).not.toContain(`${BASE}/account/authenticators/webauthn?passwordless`);
    const posted = http.history.post.find((r) => r.url === `${BASE}/account/authenticators/webauthn`)!;
    expect(JSON.parse(posted.data as string)).toMatchObject({ passwordless: false });
    const list = screen.getByRole("list", { name: "Passkeys" });
    expect(list).toHaveTextContent("Work laptop (added Dec 1, 2026)");
    expect(list).not.toHaveTextContent("without a password");
  });

  it("lists and removes a passkey", async () => {
    let stored: unknown[] = [PASSKEY, RECOVERY];
    allauth(() => stored);
    http.onDelete(`${BASE}/account/authenticators/webauthn`).reply(() => {
      stored = [];
      return [200, { status: 200 }];
    });
    const { user, onChanged } = await unlocked();

    await user.click(await screen.findByRole("button", { name: "Remove the passkey Work laptop" }));
    expect(await screen.findByText("Passkey removed.")).toBeInTheDocument();
    expect(JSON.parse(http.history.delete[0]!.data as string)).toEqual({ authenticators: [41] });
    expect(screen.getByTestId("mfa-status")).toHaveTextContent("Off");
    expect(screen.queryByRole("list", { name: "Passkeys" })).not.toBeInTheDocument();
    expect(onChanged).toHaveBeenCalledTimes(1);
  });

  it("a cancelled browser dialog stores nothing and says so", async () => {
    allauth(() => []);
    http.onGet(`${BASE}/account/authenticators/webauthn?passwordless`).reply(200, {
      status: 200,
      data: { creation_options: { publicKey: { rp: { id: "acme.localhost", name: "Acme" }, user: { id: "Mw", name: "a", displayName: "A" }, challenge: "AAEC" } } },
    });
    credentials.create.mockRejectedValue(new DOMException("cancelled", "NotAllowedError"));
    const { user, onChanged } = await unlocked();

    await user.click(await screen.findByRole("button", { name: "Add a passkey" }));
    await user.click(screen.getByRole("button", { name: "Create passkey" }));
    expect(await screen.findByText(/No passkey was used/)).toBeInTheDocument();
    expect(http.history.post.map((r) => r.url)).not.toContain(`${BASE}/account/authenticators/webauthn`);
    expect(onChanged).not.toHaveBeenCalled();
  });
});
