import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import MockAdapter from "axios-mock-adapter";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api } from "@/lib/api/client";
import { renderWithIntl } from "@/test/render";
import { ConnectedAccounts } from "./ConnectedAccounts";

const BASE = "/_allauth/app/v1";
const SESSION = "allauth-session-token-1";
const GITHUB = { uid: "4242", display: "ada-gh", provider: { id: "github", name: "GitHub", flows: ["provider_redirect"] } };
const GOOGLE = { uid: "g-77", display: "ada@example.test", provider: { id: "google", name: "Google", flows: ["provider_redirect"] } };

let http: MockAdapter;
const session = (config: { headers?: Record<string, unknown> }) => config.headers?.["X-Session-Token"];

beforeEach(() => {
  http = new MockAdapter(api);
  http.onPost(`${BASE}/auth/login`).reply(200, { status: 200, data: { user: { id: 7 } }, meta: { session_token: SESSION } });
  http.onPost(`${BASE}/auth/reauthenticate`).reply((config) => (session(config) === SESSION ? [200, { status: 200 }] : [401, {}]));
});
afterEach(() => {
  http.restore();
});

const rows = () => within(screen.getByRole("list", { name: "Connected accounts" })).getAllByRole("listitem");

async function unlock() {
  const user = userEvent.setup();
  renderWithIntl(<ConnectedAccounts email="ada@example.test" />);
  await user.type(screen.getByLabelText("Password"), "correct horse");
  await user.click(screen.getByRole("button", { name: "Continue" }));
  return user;
}

describe("connected accounts in the profile", () => {
  it("lists the providers after the password and disconnects one with allauth's session", async () => {
    let accounts = [GITHUB, GOOGLE];
    http.onGet(`${BASE}/account/providers`).reply((config) => (session(config) === SESSION ? [200, { status: 200, data: accounts }] : [401, {}]));
    http.onDelete(`${BASE}/account/providers`).reply((config) => {
      if (session(config) !== SESSION) return [401, {}];
      const body = JSON.parse(config.data as string) as { provider: string; account: string };
      accounts = accounts.filter((a) => !(a.provider.id === body.provider && a.uid === body.account));
      return [200, { status: 200, data: accounts }];
    });
    const user = await unlock();
    expect(await screen.findByText("ada-gh")).toBeInTheDocument();
    expect(rows().map((li) => li.textContent)).toEqual(["GitHub ada-ghDisconnect", "Google ada@example.testDisconnect"]);

    await user.click(screen.getByRole("button", { name: "Disconnect GitHub (ada-gh)" }));
    expect(await screen.findByRole("status")).toHaveTextContent("GitHub was disconnected.");
    expect(rows().map((li) => li.textContent)).toEqual(["Google ada@example.testDisconnect"]);
    expect(http.history.delete.map((r) => [session(r), JSON.parse(r.data as string)])).toEqual([[SESSION, { provider: "github", account: "4242" }]]);
    expect(http.history.post.map((r) => [r.url, JSON.parse(r.data as string)])).toEqual([
      [`${BASE}/auth/login`, { email: "ada@example.test", password: "correct horse" }],
      [`${BASE}/auth/reauthenticate`, { password: "correct horse" }],
    ]);
  });

  it("says so when nothing is connected", async () => {
    http.onGet(`${BASE}/account/providers`).reply(200, { status: 200, data: [] });
    await unlock();
    expect(await screen.findByText("No account is connected.")).toBeInTheDocument();
  });

  it("a refused disconnect (allauth's 400) keeps the list and shows why", async () => {
    http.onGet(`${BASE}/account/providers`).reply(200, { status: 200, data: [GITHUB] });
    http.onDelete(`${BASE}/account/providers`).reply(400, {
      status: 400,
      errors: [{ message: "Your account has no password set up.", code: "no_password", param: "account" }],
    });
    const user = await unlock();
    await user.click(await screen.findByRole("button", { name: "Disconnect GitHub (ada-gh)" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Your account has no password set up.");
    expect(rows().map((li) => li.textContent)).toEqual(["GitHub ada-ghDisconnect"]);
  });

  it("a lost allauth session locks the section again", async () => {
    http.onGet(`${BASE}/account/providers`).reply(200, { status: 200, data: [GITHUB] });
    http.onDelete(`${BASE}/account/providers`).reply(401, { status: 401, data: { flows: [] } });
    const user = await unlock();
    await user.click(await screen.findByRole("button", { name: "Disconnect GitHub (ada-gh)" }));
    expect(await screen.findByLabelText("Password")).toHaveValue("");
    expect(screen.queryByRole("list", { name: "Connected accounts" })).not.toBeInTheDocument();
    expect(screen.getByRole("status")).toHaveTextContent("For your security, confirm your password again.");
  });

  it("connects an unconnected provider: a connect token from this host, then allauth's form with process=connect", async () => {
    const CONFIG = [
      { id: "sso-acme", name: "Acme SSO", flows: ["provider_redirect"] },
      GITHUB.provider,
      GOOGLE.provider,
    ];
    http.onGet(`${BASE}/config`).reply(200, { status: 200, data: { socialaccount: { providers: CONFIG } } });
    http.onGet(`${BASE}/account/providers`).reply(200, { status: 200, data: [GITHUB] });
    http.onPost("/api/v1/me/social/connect/").reply(200, { connectToken: "connect-token-1" });
    const submitted: Record<string, string>[] = [];
    const submit = vi.spyOn(HTMLFormElement.prototype, "submit").mockImplementation(function (this: HTMLFormElement) {
      submitted.push({ method: this.method, action: new URL(this.action).pathname, ...Object.fromEntries(new FormData(this)) } as Record<string, string>);
    });
    try {
      const user = await unlock();
      await screen.findByText("ada-gh");
      // The sign-in buttons' providers not connected yet; never the organisation's SSO.
      expect(screen.getAllByRole("button", { name: /^Connect / }).map((b) => b.textContent)).toEqual(["Connect Google"]);

      await user.click(screen.getByRole("button", { name: "Connect Google" }));

      await vi.waitFor(() => expect(submitted).toHaveLength(1));
      expect(submitted).toEqual([
        {
          method: "post",
          action: `${BASE}/auth/provider/redirect`,
          provider: "google",
          process: "connect",
          callback_url: `${window.location.origin}/profile`,
          connect_token: "connect-token-1",
        },
      ]);
      // The kit's own API (the member's bearer token), not allauth's session.
      expect(http.history.post.map((r) => r.url)).toEqual([`${BASE}/auth/login`, `${BASE}/auth/reauthenticate`, "/api/v1/me/social/connect/"]);
    } finally {
      submit.mockRestore();
    }
  });

  it("a refused connect token request shows why and submits nothing", async () => {
    http.onGet(`${BASE}/config`).reply(200, { status: 200, data: { socialaccount: { providers: [GOOGLE.provider] } } });
    http.onGet(`${BASE}/account/providers`).reply(200, { status: 200, data: [] });
    http.onPost("/api/v1/me/social/connect/").reply(403, {
      type: "client_error",
      errors: [{ code: "impersonation_not_allowed", detail: "An impersonation cannot change the person's own account.", attr: null }],
    });
    const submit = vi.spyOn(HTMLFormElement.prototype, "submit").mockImplementation(() => undefined);
    try {
      const user = await unlock();
      await user.click(await screen.findByRole("button", { name: "Connect Google" }));
      expect(await screen.findByRole("alert")).toHaveTextContent("An impersonation cannot change the person's own account.");
      expect(submit).not.toHaveBeenCalled();
    } finally {
      submit.mockRestore();
    }
  });

  it("says how a connect ended: the provider connected, or each ?error= code in the page's language", async () => {
    http.onGet(`${BASE}/config`).reply(200, { status: 200, data: { socialaccount: { providers: [GITHUB.provider] } } });
    http.onGet(`${BASE}/account/providers`).reply(200, { status: 200, data: [GITHUB] });
    renderWithIntl(<ConnectedAccounts email="ada@example.test" connected="github" />);
    expect(await screen.findByText("GitHub is now connected.")).toBeInTheDocument();
    const user = userEvent.setup();
    await user.type(screen.getByLabelText("Password"), "correct horse");
    await user.click(screen.getByRole("button", { name: "Continue" }));
    await screen.findByText("ada-gh");
    expect(screen.getAllByRole("status")[0]).toHaveTextContent("GitHub is now connected.");
    expect(screen.queryByRole("button", { name: /^Connect / })).not.toBeInTheDocument();
  });

  it.each([
    ["en", "connected_other", "This provider account is already connected to another account."],
    ["en", "connect_invalid", "This connection request has expired or was already used."],
    ["en", "something_else", "The provider could not be connected. Try again."],
    ["fr", "connected_other", "Ce compte du fournisseur est déjà associé à un autre compte."],
    ["fr", "connect_invalid", "Cette demande d'association a expiré ou a déjà été utilisée."],
  ] as const)("%s: ?error=%s", (locale, code, text) => {
    renderWithIntl(<ConnectedAccounts email="ada@example.test" error={code} />, { locale });
    expect(screen.getByRole("alert")).toHaveTextContent(text);
  });
});
