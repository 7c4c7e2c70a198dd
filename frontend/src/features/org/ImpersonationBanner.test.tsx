import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { Me } from "@/lib/api/types";
import { renderWithIntl } from "@/test/render";
import { ImpersonationBanner } from "./OrgShell";

const me: Me = {
  id: 7,
  email: "ada@acme.test",
  fullName: "Ada",
  role: "owner",
  permissions: ["members.manage", "owners.manage", "billing.manage", "audit.read", "exports.manage"],
  avatarUrl: null,
  tenant: { id: "t-1", name: "Acme", subdomain: "acme" },
  organisations: [{ id: "t-1", name: "Acme", subdomain: "acme", url: "http://acme.localhost/", role: "owner", current: true }],
  impersonatedBy: null,
  mfaSetupRequired: false,
};

describe("ImpersonationBanner", () => {
  it("is absent for a normal session", () => {
    const { container } = renderWithIntl(<ImpersonationBanner me={me} onEnd={vi.fn()} />);
    expect(container).toBeEmptyDOMElement();
  });

  it("names the impersonated user and the operator when /me says impersonatedBy, and can end it", async () => {
    const onEnd = vi.fn();
    renderWithIntl(<ImpersonationBanner me={{ ...me, impersonatedBy: { id: 1, email: "op@saas.test" } }} onEnd={onEnd} />);
    expect(screen.getByRole("status")).toHaveTextContent("You are viewing Acme as ada@acme.test, impersonated by operator op@saas.test.");
    await userEvent.setup().click(screen.getByRole("button", { name: "End impersonation" }));
    expect(onEnd).toHaveBeenCalledOnce();
  });
});
