import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import MockAdapter from "axios-mock-adapter";
import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from "vitest";
import { api } from "@/lib/api/client";
import { renderWithIntl } from "@/test/render";
import { MfaSettings } from "./MfaSettings";

const BASE = "/_allauth/app/v1";
const SESSION = "allauth-session-token-1";
const SECRET = "JBSWY3DPEHPK3PXP";
const TOTP_URL = `otpauth://totp/SaaS%20Kit:ada%40example.test?secret=${SECRET}&issuer=SaaS%20Kit`;
const CODES = ["31415926", "27182818", "16180339"];
const CREATED = Date.UTC(2026, 11, 1, 12) / 1000;
const TOTP = { type: "totp", created_at: CREATED, last_used_at: null };
const RECOVERY = { type: "recovery_codes", created_at: CREATED, last_used_at: null, total_code_count: 3, unused_code_count: 3 };
const allauthError = (status: number, code: string, param?: string) => ({ status, errors: [{ message: `allauth: ${code}`, code, param }] });

let http: MockAdapter;
const session = (config: { headers?: Record<string, unknown> }) => config.headers?.["X-Session-Token"];

beforeEach(() => {
  http = new MockAdapter(api);
});

afterEach(() => {
  http.restore();
  vi.restoreAllMocks();
});

function render(props: Partial<Parameters<typeof MfaSettings>[0]> = {}, locale: "en" | "fr" = "en") {
  const onChanged = vi.fn();
  const user = userEvent.setup();
  renderWithIntl(<MfaSettings email="ada@example.test" organisation="Acme" onChanged={onChanged} {...props} />, { locale });
  return { user, onChanged };
}

async function unlock(user: ReturnType<typeof userEvent.setup>, password = "correct horse") {
  await user.type(screen.getByLabelText("Password"), password);
  await user.click(screen.getByRole("button", { name: "Continue" }));
}

function loginWithoutMfa() {
  http.onPost(`${BASE}/auth/login`).reply(200, { status: 200, data: { user: { id: 7 } }, meta: { session_token: SESSION, is_authenticated: true } });
  http.onPost(`${BASE}/auth/reauthenticate`).reply((config) => (session(config) === SESSION ? [200, { status: 200 }] : [401, {}]));
}

describe("MFA setup in the profile", () => {
  it("unlocks with the password, sets TOTP up from the QR code and shows the recovery codes once", async () => {
    loginWithoutMfa();
    let active = false;
    http.onGet(`${BASE}/account/authenticators`).reply((config) =>
      session(config) === SESSION ? [200, { status: 200, data: active ? [TOTP, RECOVERY] : [] }] : [401, {}],
    );
    http.onGet(`${BASE}/account/authenticators/totp`).reply(404, { status: 404, meta: { secret: SECRET, totp_url: TOTP_URL } });
    http.onPost(`${BASE}/account/authenticators/totp`).replyOnce(400, allauthError(400, "incorrect_code", "code"));
    http.onPost(`${BASE}/account/authenticators/totp`).reply(() => {
      active = true;
      return [200, { status: 200, data: TOTP }];
    });
    http.onGet(`${BASE}/account/authenticators/recovery-codes`).reply(200, { status: 200, data: { ...RECOVERY, unused_codes: CODES } });
    const { user, onChanged } = render();

    await unlock(user);
    expect(await screen.findByTestId("mfa-status")).toHaveTextContent("Off");
    expect(JSON.parse(http.history.post[0]!.data as string)).toEqual({ email: "ada@example.test", password: "correct horse" });
    expect(http.history.post[0]!.headers?.Authorization).toBeUndefined();
    expect(JSON.parse(http.history.post[1]!.data as string)).toEqual({ password: "correct horse" });
    expect(session(http.history.post[1]!)).toBe(SESSION);

    await user.click(screen.getByRole("button", { name: "Set up authenticator app" }));
    const qr = await screen.findByRole("img", { name: "QR code to scan with your authenticator app" });
    expect(qr.tagName.toLowerCase()).toBe("svg");
    // This URL (95 bytes) at error correction M is a version 6 symbol: 41 x 41 modules.
    expect(qr).toHaveAttribute("data-qr-modules", "41");
    expect(qr.querySelector("path")?.getAttribute("d")).toMatch(/^(M\d+ \d+h1v1h-1z)+$/);
    expect(screen.getByTestId("totp-secret")).toHaveTextContent(SECRET);
    const code = screen.getByLabelText("Authentication code");
    expect(code).toHaveAttribute("autocomplete", "one-time-code");

    await user.type(code, "000000");
    await user.click(screen.getByRole("button", { name: "Turn on" }));
    expect(await screen.findByText("This code is not valid. Check the code and try again.")).toBeInTheDocument();
    expect(screen.queryByText("allauth: incorrect_code")).not.toBeInTheDocument();
    expect(onChanged).not.toHaveBeenCalled();

    await user.clear(screen.getByLabelText("Authentication code"));
    await user.type(screen.getByLabelText("Authentication code"), "123456");
    await user.click(screen.getByRole("button", { name: "Turn on" }));

    const list = await screen.findByRole("list", { name: "Recovery codes" });
    expect(within(list).getAllByRole("listitem").map((item) => item.textContent)).toEqual(CODES);
    expect(screen.getByText("Two-factor authentication is on.")).toBeInTheDocument();
    expect(onChanged).toHaveBeenCalledTimes(1);
    const activation = http.history.post.filter((r) => r.url === `${BASE}/account/authenticators/totp`);
    expect(activation.map((r) => JSON.parse(r.data as string))).toEqual([{ code: "000000" }, { code: "123456" }]);
    expect(activation.every((r) => session(r) === SESSION)).toBe(true);

    // The allauth session token is kept in memory only.
    expect(JSON.stringify({ ...localStorage, ...sessionStorage })).not.toContain(SESSION);
    expect(document.cookie).not.toContain(SESSION);

    await user.click(screen.getByRole("button", { name: "Done" }));
    expect(screen.getByTestId("mfa-status")).toHaveTextContent("On");
    expect(screen.getByText("Recovery codes: 3 of 3 unused")).toBeInTheDocument();
    expect(screen.getByText(/^Authenticator app \(added/)).toBeInTheDocument();
  });

  it("downloads the recovery codes as a .txt file and copies them", async () => {
    loginWithoutMfa();
    http.onGet(`${BASE}/account/authenticators`).reply(200, { status: 200, data: [TOTP, RECOVERY] });
    http.onPost(`${BASE}/account/authenticators/recovery-codes`).reply(200, { status: 200, data: { ...RECOVERY, unused_codes: CODES } });
    const { user } = render();
    const blobs: Blob[] = [];
    const createObjectURL = vi.fn((blob: Blob) => {
      blobs.push(blob);
      return "blob:codes";
    });
    const revokeObjectURL = vi.fn();
    // jsdom has no object URLs: stand-ins, put back below.
    const original = { createObjectURL: URL.createObjectURL, revokeObjectURL: URL.revokeObjectURL };
    Object.assign(URL, { createObjectURL, revokeObjectURL });
    onTestFinished(() => {
      Object.assign(URL, original);
    });
    const clicks: HTMLAnchorElement[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
      clicks.push(this);
    });

    await unlock(user);
    await user.click(await screen.findByRole("button", { name: "Regenerate recovery codes" }));
    expect(await screen.findByText("New recovery codes: the old ones no longer work.")).toBeInTheDocument();
    // userEvent.setup() installs a clipboard stub of its own: read back what was written.
    await user.click(screen.getByRole("button", { name: "Copy" }));
    expect(await screen.findByText("Copied to the clipboard.")).toBeInTheDocument();
    const expected = `Recovery codes for ada@example.test (Acme). Each code works once.\n\n${CODES.join("\n")}\n`;
    expect(await navigator.clipboard.readText()).toBe(expected);

    await user.click(screen.getByRole("button", { name: "Download" }));
    expect(clicks).toHaveLength(1);
    expect(clicks[0]!.download).toBe("recovery-codes-Acme.txt");
    expect(clicks[0]!.getAttribute("href")).toBe("blob:codes");
    expect(blobs[0]!.type).toBe("text/plain;charset=utf-8");
    expect(await blobs[0]!.text()).toBe(expected);
    expect(revokeObjectURL).toHaveBeenCalledWith("blob:codes");
  });

  it("a wrong password is said next to the field, and nothing is unlocked", async () => {
    http.onPost(`${BASE}/auth/login`).reply(400, allauthError(400, "email_password_mismatch", "password"));
    const { user } = render();
    await unlock(user, "wrong");
    expect(await screen.findByText("Wrong password.")).toBeInTheDocument();
    expect(screen.getByLabelText("Password")).toHaveAttribute("aria-invalid", "true");
    expect(screen.queryByTestId("mfa-status")).not.toBeInTheDocument();
    expect(http.history.post).toHaveLength(1);
    expect(http.history.get).toHaveLength(0);
  });

  it("an account with MFA unlocks with password and code, then turns MFA off", async () => {
    http.onPost(`${BASE}/auth/login`).reply(401, {
      status: 401,
      data: { flows: [{ id: "login" }, { id: "mfa_authenticate", is_pending: true }] },
      meta: { session_token: SESSION, is_authenticated: false },
    });
    http.onPost(`${BASE}/auth/2fa/authenticate`).replyOnce(400, allauthError(400, "incorrect_code", "code"));
    http.onPost(`${BASE}/auth/2fa/authenticate`).reply(200, { status: 200, meta: { session_token: SESSION, is_authenticated: true } });
    http.onPost(`${BASE}/auth/reauthenticate`).reply(200, { status: 200 });
    let active = true;
    http.onGet(`${BASE}/account/authenticators`).reply(() => [200, { status: 200, data: active ? [TOTP, RECOVERY] : [] }]);
    http.onDelete(`${BASE}/account/authenticators/totp`).reply(() => {
      active = false;
      return [200, { status: 200 }];
    });
    const { user, onChanged } = render();

    await unlock(user);
    expect(await screen.findByText(/Two-factor authentication is on for your account/)).toBeInTheDocument();
    await user.type(screen.getByLabelText("Authentication code"), "111111");
    await user.click(screen.getByRole("button", { name: "Verify" }));
    expect(await screen.findByText("This code is not valid. Check the code and try again.")).toBeInTheDocument();
    await user.clear(screen.getByLabelText("Authentication code"));
    await user.type(screen.getByLabelText("Authentication code"), "222222");
    await user.click(screen.getByRole("button", { name: "Verify" }));

    expect(await screen.findByTestId("mfa-status")).toHaveTextContent("On");
    const posts = http.history.post.map((r) => [r.url, JSON.parse(r.data as string) as unknown, session(r)]);
    expect(posts).toEqual([
      [`${BASE}/auth/login`, { email: "ada@example.test", password: "correct horse" }, undefined],
      [`${BASE}/auth/2fa/authenticate`, { code: "111111" }, SESSION],
      [`${BASE}/auth/2fa/authenticate`, { code: "222222" }, SESSION],
      // allauth asks for a fresh reauthentication before authenticators change: the password typed above.
      [`${BASE}/auth/reauthenticate`, { password: "correct horse" }, SESSION],
    ]);

    await user.click(screen.getByRole("button", { name: "Turn off" }));
    expect(screen.getByText("Turn off two-factor authentication? Signing in will only ask for your password.")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Turn off two-factor authentication" }));
    expect(await screen.findByText("Two-factor authentication is off.")).toBeInTheDocument();
    expect(screen.getByTestId("mfa-status")).toHaveTextContent("Off");
    expect(http.history.delete).toHaveLength(1);
    expect(session(http.history.delete[0]!)).toBe(SESSION);
    expect(onChanged).toHaveBeenCalledTimes(1);
  });

  it("an allauth session that is no longer fresh locks the section again with a message", async () => {
    loginWithoutMfa();
    http.onGet(`${BASE}/account/authenticators`).reply(200, { status: 200, data: [TOTP, RECOVERY] });
    http.onPost(`${BASE}/account/authenticators/recovery-codes`).reply(401, { status: 401, data: { flows: [{ id: "reauthenticate" }] } });
    const { user } = render();

    await unlock(user);
    await user.click(await screen.findByRole("button", { name: "Regenerate recovery codes" }));
    expect(await screen.findByText("For your security, confirm your password again.")).toBeInTheDocument();
    expect(screen.getByLabelText("Password")).toHaveValue("");
    expect(screen.queryByTestId("mfa-status")).not.toBeInTheDocument();
    // The refused call did not try our own token refresh.
    expect(http.history.post.map((r) => r.url)).not.toContain("/api/v1/auth/refresh/");
  });

  it("says to verify the email address first when allauth refuses to add an authenticator", async () => {
    loginWithoutMfa();
    http.onGet(`${BASE}/account/authenticators`).reply(200, { status: 200, data: [] });
    http.onGet(`${BASE}/account/authenticators/totp`).reply(409, allauthError(409, "unverified_email"));
    const { user } = render();

    await unlock(user);
    await user.click(await screen.findByRole("button", { name: "Set up authenticator app" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "Verify your email address before you turn on two-factor authentication: use the link we emailed you.",
    );
    expect(screen.queryByRole("img")).not.toBeInTheDocument();
  });

  it("shows the organisation's requirement, in French too", () => {
    render({ required: true }, "fr");
    expect(screen.getByRole("status")).toHaveTextContent(
      "Acme exige l'authentification à deux facteurs. Configurez une application d'authentification ci-dessous pour continuer à l'utiliser.",
    );
    expect(screen.getByLabelText("Mot de passe")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Continuer" })).toBeDisabled();
  });
});
