import { screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { renderWithIntl } from "@/test/render";
import DashboardPage from "./page";

const state = vi.hoisted(() => ({ role: "owner" }));
vi.mock("@/features/org/OrgShell", () => ({
  useOrg: () => ({
    me: { id: 1, email: "ada@acme.test", fullName: "Ada", role: state.role, tenant: { id: "t", name: "Acme", subdomain: "acme" } },
    can: () => true,
  }),
}));

describe("dashboard", () => {
  it.each([
    ["owner", "en", "You are an owner of Acme."],
    ["admin", "en", "You are an admin of Acme."],
    ["member", "en", "You are a member of Acme."],
    ["owner", "fr", "Vous êtes propriétaire de Acme."],
    ["member", "fr", "Vous êtes membre de Acme."],
  ] as const)("names a %s's role in a sentence (%s)", (role, locale, sentence) => {
    state.role = role;
    renderWithIntl(<DashboardPage />, { locale });
    expect(screen.getByText(new RegExp(sentence.replace(".", "\\.")))).toBeInTheDocument();
  });
});
