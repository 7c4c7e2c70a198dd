import { act, screen } from "@testing-library/react";
import MockAdapter from "axios-mock-adapter";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { api } from "@/lib/api/client";
import { renderWithIntl } from "@/test/render";
import { ProviderButtons } from "./ProviderButtons";

const CONFIG = "/_allauth/app/v1/config";
const REDIRECT = "/_allauth/app/v1/auth/provider/redirect";
const SSO_ID = "sso-6f1c2a4e-0d3b-4c55-9a8e-2b7d9e4f1a10";

const config = (providers: unknown[]) => ({
  status: 200,
  data: { account: {}, socialaccount: { providers }, mfa: { supported_types: ["totp", "recovery_codes"] } },
});
const PROVIDERS = [
  { id: "github", name: "GitHub", flows: ["provider_redirect"], client_id: "gh-client" },
  { id: "google", name: "Google", flows: ["provider_redirect", "provider_token"], client_id: "gg-client" },
  { id: SSO_ID, name: "Acme SSO", flows: ["provider_redirect", "provider_token"], client_id: "acme", openid_configuration_url: "https://idp.acme.test" },
  // Token flow only: a browser form cannot use it.
  { id: "apple", name: "Apple", flows: ["provider_token"] },
];

let http: MockAdapter;
beforeEach(() => {
  http = new MockAdapter(api);
});
afterEach(() => {
  http.restore();
});

/** Each form as [action, method, {hidden fields}, button text]. */
function forms(container: HTMLElement) {
  return Array.from(container.querySelectorAll("form")).map((form) => [
    form.getAttribute("action"),
    form.getAttribute("method"),
    Object.fromEntries(Array.from(form.querySelectorAll<HTMLInputElement>("input[type=hidden]")).map((i) => [i.name, i.value])),
    form.querySelector("button")?.textContent,
  ]);
}

describe("ProviderButtons", () => {
  it("renders one real form post per redirect provider, the organisation's SSO first", async () => {
    http.onGet(CONFIG).reply(200, config(PROVIDERS));
    const { container } = renderWithIntl(<ProviderButtons />);
    expect(await screen.findByRole("button", { name: "Sign in with Acme SSO" })).toHaveAttribute("type", "submit");
    const callback = "http://localhost:3000/login";
    expect(window.location.origin).toBe("http://localhost:3000");
    expect(forms(container)).toEqual([
      [REDIRECT, "post", { provider: SSO_ID, process: "login", callback_url: callback }, "Sign in with Acme SSO"],
      [REDIRECT, "post", { provider: "github", process: "login", callback_url: callback }, "Continue with GitHub"],
      [REDIRECT, "post", { provider: "google", process: "login", callback_url: callback }, "Continue with Google"],
    ]);
    expect(http.history.get.map((r) => r.url)).toEqual([CONFIG]);
  });

  it("returns to the page it is given, in French too", async () => {
    http.onGet(CONFIG).reply(200, config(PROVIDERS.slice(0, 1)));
    const { container } = renderWithIntl(<ProviderButtons callbackPath="/accept-invite" />, { locale: "fr" });
    await screen.findByRole("button", { name: "Continuer avec GitHub" });
    expect(forms(container)).toEqual([
      [REDIRECT, "post", { provider: "github", process: "login", callback_url: "http://localhost:3000/accept-invite" }, "Continuer avec GitHub"],
    ]);
  });

  it("on accept-invite posts the invitation's token with each provider", async () => {
    const { container } = renderWithIntl(
      <ProviderButtons callbackPath="/accept-invite" invitation="tok-123" providers={[PROVIDERS[2]!, PROVIDERS[0]!]} />,
    );
    const callback = "http://localhost:3000/accept-invite";
    expect(forms(container)).toEqual([
      [REDIRECT, "post", { provider: SSO_ID, process: "login", callback_url: callback, invitation: "tok-123" }, "Sign in with Acme SSO"],
      [REDIRECT, "post", { provider: "github", process: "login", callback_url: callback, invitation: "tok-123" }, "Continue with GitHub"],
    ]);
  });

  it("renders nothing when the host offers no provider", async () => {
    http.onGet(CONFIG).reply(200, config([]));
    const { container } = await renderSettled(<ProviderButtons />);
    expect(http.history.get.length).toBe(1);
    expect(container).toBeEmptyDOMElement();
  });

  it("renders nothing when only token-flow providers are offered, or the configuration cannot be read", async () => {
    http.onGet(CONFIG).replyOnce(200, config([PROVIDERS[3]!]));
    const first = await renderSettled(<ProviderButtons />);
    expect(http.history.get.length).toBe(1);
    expect(first.container).toBeEmptyDOMElement();
    first.unmount();
    http.onGet(CONFIG).replyOnce(500, {});
    const second = await renderSettled(<ProviderButtons />);
    expect(http.history.get.length).toBe(2);
    expect(second.container).toBeEmptyDOMElement();
  });

  it("after a 403 sso_required says the organisation signs in with SSO, above its button", async () => {
    const { container } = renderWithIntl(<ProviderButtons ssoRequired providers={[PROVIDERS[2]!]} />);
    expect(screen.getByRole("status")).toHaveTextContent("Your organisation signs in with SSO. Use the SSO button to sign in.");
    expect(forms(container)).toEqual([
      [REDIRECT, "post", { provider: SSO_ID, process: "login", callback_url: "http://localhost:3000/login" }, "Sign in with Acme SSO"],
    ]);
    expect(http.history.get).toEqual([]);
  });
});

/** Renders, then lets the config request be answered (mock adapter: a few ticks) and React render its outcome. */
async function renderSettled(ui: Parameters<typeof renderWithIntl>[0]) {
  let result: ReturnType<typeof renderWithIntl> | undefined;
  await act(async () => {
    result = renderWithIntl(ui);
    for (let tick = 0; tick < 5; tick++) await new Promise((resolve) => setTimeout(resolve, 0));
  });
  return result!;
}
