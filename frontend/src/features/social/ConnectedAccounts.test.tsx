import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import MockAdapter from "axios-mock-adapter";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
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
});
