import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import MockAdapter from "axios-mock-adapter";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api } from "@/lib/api/client";
import type { Me } from "@/lib/api/types";
import { renderWithIntl } from "@/test/render";
import { OrganisationSwitcher } from "./OrganisationSwitcher";

const ACME = { id: "t-1", name: "Acme", subdomain: "acme", url: "http://acme.localhost:3000/", role: "owner", current: true };
const GLOBEX = { id: "t-2", name: "Globex", subdomain: "globex", url: "http://globex.localhost:3000/", role: "member", current: false };
const ME: Me = {
  id: 7,
  email: "ada@acme.test",
  fullName: "Ada",
  avatarUrl: null,
  role: "owner",
  permissions: [],
  tenant: { id: "t-1", name: "Acme", subdomain: "acme" },
  organisations: [ACME, GLOBEX],
  impersonatedBy: null,
  mfaSetupRequired: false,
};

let http: MockAdapter;
beforeEach(() => {
  http = new MockAdapter(api);
});
afterEach(() => http.restore());

describe("the organisation switcher", () => {
  it("is not there for a person in one organisation", () => {
    renderWithIntl(<OrganisationSwitcher me={{ ...ME, organisations: [ACME] }} />);
    expect(screen.queryByRole("button", { name: "Switch organisation" })).toBeNull();
  });

  it("opens another organisation through its one-time link", async () => {
    http.onPost("/api/v1/me/organisations/t-2/handoff/").reply(200, { url: "http://globex.localhost:3000/auth/handoff?code=abc" });
    const navigate = vi.fn();
    const user = userEvent.setup();
    renderWithIntl(<OrganisationSwitcher me={ME} navigate={navigate} />);
    const toggle = screen.getByRole("button", { name: "Switch organisation" });
    expect(toggle).toHaveAttribute("aria-expanded", "false");
    await user.click(toggle);
    expect(toggle).toHaveAttribute("aria-expanded", "true");
    expect(screen.getByText("Acme").closest("[aria-current]")).toHaveAttribute("aria-current", "true");
    await user.click(screen.getByRole("button", { name: "Globex globex" }));
    await vi.waitFor(() => expect(navigate).toHaveBeenCalledWith("http://globex.localhost:3000/auth/handoff?code=abc"));
  });

  it("says so when the link is refused, in French, and closes on Escape", async () => {
    http.onPost("/api/v1/me/organisations/t-2/handoff/").reply(403, { type: "client_error", errors: [{ code: "sso_required", detail: "SSO", attr: null }] });
    const navigate = vi.fn();
    const user = userEvent.setup();
    renderWithIntl(<OrganisationSwitcher me={ME} navigate={navigate} />, { locale: "fr" });
    await user.click(screen.getByRole("button", { name: "Changer d'organisation" }));
    await user.click(screen.getByRole("button", { name: "Globex globex" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Impossible d'ouvrir Globex. Réessayez.");
    expect(navigate).not.toHaveBeenCalled();
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("list", { name: "Vos organisations" })).toBeNull();
    expect(screen.getByRole("button", { name: "Changer d'organisation" })).toHaveFocus();
  });
});
