import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import MockAdapter from "axios-mock-adapter";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { api } from "@/lib/api/client";
import { renderWithIntl } from "@/test/render";
import { EmailSection } from "./EmailSection";

const BASE = "/_allauth/app/v1";
const SESSION = "allauth-session-token-1";
const CURRENT = { email: "ada@example.test", primary: true, verified: true };

let http: MockAdapter;
const session = (config: { headers?: Record<string, unknown> }) => config.headers?.["X-Session-Token"];

beforeEach(() => {
  http = new MockAdapter(api);
  http.onPost(`${BASE}/auth/login`).reply(200, { status: 200, data: { user: { id: 7 } }, meta: { session_token: SESSION } });
  http.onPost(`${BASE}/auth/reauthenticate`).reply((config) => (session(config) === SESSION ? [200, { status: 200 }] : [401, {}]));
});
afterEach(() => http.restore());

async function unlock(locale: "en" | "fr" = "en") {
  const user = userEvent.setup();
  renderWithIntl(<EmailSection email="ada@example.test" />, { locale });
  await user.type(screen.getByLabelText(locale === "en" ? "Password" : "Mot de passe"), "correct horse");
  await user.click(screen.getByRole("button", { name: locale === "en" ? "Continue" : "Continuer" }));
  return user;
}

describe("changing the email address in the profile", () => {
  it("sends a link to the new address through allauth, then offers to resend or withdraw it", async () => {
    let addresses = [CURRENT];
    http.onGet(`${BASE}/account/email`).reply((config) => (session(config) === SESSION ? [200, { status: 200, data: addresses }] : [401, {}]));
    http.onPost(`${BASE}/account/email`).reply((config) => {
      const { email } = JSON.parse(config.data as string) as { email: string };
      addresses = [CURRENT, { email, primary: false, verified: false }];
      return [200, { status: 200, data: addresses }];
    });
    http.onPut(`${BASE}/account/email`).reply(200, { status: 200 });
    http.onDelete(`${BASE}/account/email`).reply(() => {
      addresses = [CURRENT];
      return [200, { status: 200, data: addresses }];
    });
    const user = await unlock();

    await user.type(await screen.findByLabelText("New email address"), " ada@new.example ");
    await user.click(screen.getByRole("button", { name: "Change email address" }));
    expect(await screen.findByRole("status")).toHaveTextContent("We sent a link to ada@new.example. Your email address changes when you open it.");
    expect(screen.getByText(/Waiting for you to open the link sent to ada@new.example/)).toBeInTheDocument();
    expect(http.history.post.at(-1)?.data).toBe(JSON.stringify({ email: "ada@new.example" }));
    expect(session(http.history.post.at(-1)!)).toBe(SESSION);

    await user.click(screen.getByRole("button", { name: "Send the link again" }));
    expect(http.history.put.map((r) => JSON.parse(r.data as string))).toEqual([{ email: "ada@new.example" }]);

    await user.click(screen.getByRole("button", { name: "Cancel the change" }));
    expect(await screen.findByText("The change was cancelled.")).toBeInTheDocument();
    expect(screen.queryByText(/Waiting for you/)).not.toBeInTheDocument();
    expect(JSON.parse(http.history.delete[0]!.data as string)).toEqual({ email: "ada@new.example" });
  });

  it("shows an address another account uses on the field, and changes nothing", async () => {
    http.onGet(`${BASE}/account/email`).reply(200, { status: 200, data: [CURRENT] });
    http.onPost(`${BASE}/account/email`).reply(400, {
      status: 400,
      errors: [{ message: "Un autre compte utilise déjà cette adresse.", code: "email_taken", param: "email" }],
    });
    const user = await unlock("fr");
    await user.type(await screen.findByLabelText("Nouvelle adresse e-mail"), "bob@example.test");
    await user.click(screen.getByRole("button", { name: "Changer d'adresse e-mail" }));
    expect(await screen.findByText("Un autre compte utilise déjà cette adresse.")).toBeInTheDocument();
    expect(screen.getByLabelText("Nouvelle adresse e-mail")).toHaveAttribute("aria-invalid", "true");
    expect(screen.queryByText(/En attente/)).not.toBeInTheDocument();
  });

  it("a lost allauth session locks the section again", async () => {
    http.onGet(`${BASE}/account/email`).reply(200, { status: 200, data: [CURRENT] });
    http.onPost(`${BASE}/account/email`).reply(401, { status: 401, data: { flows: [] } });
    const user = await unlock();
    await user.type(await screen.findByLabelText("New email address"), "ada@new.example");
    await user.click(screen.getByRole("button", { name: "Change email address" }));
    expect(await screen.findByLabelText("Password")).toBeInTheDocument();
    expect(screen.getByRole("status")).toHaveTextContent("For your security, confirm your password again.");
  });
});
