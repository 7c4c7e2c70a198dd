import { screen, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { Overview } from "@/features/dashboard/api";
import { renderWithIntl } from "@/test/render";
import DashboardPage from "./page";

const state = vi.hoisted(() => ({ role: "owner", overview: null as unknown }));
vi.mock("@/features/dashboard/api", () => ({ getOverview: () => Promise.resolve(state.overview) }));
vi.mock("@/features/audit/api", () => ({
  listAudit: () =>
    Promise.resolve({
      count: 1,
      results: [{ id: 1, createdAt: "2026-12-01T10:00:00Z", actor: { id: 1, email: "ada@acme.test" }, action: "invitation.created", tenantId: "t", extra: {} }],
    }),
}));

const OVERVIEW: Overview = {
  members: 3,
  pendingInvitations: 1,
  projects: 0,
  files: 2,
  storageUsedBytes: 5 * 1024 * 1024,
  storageLimitBytes: 1024 ** 3,
  checklist: { invitedSomeone: true, createdProject: false, uploadedFile: true },
};
state.overview = OVERVIEW;
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

  it("shows the counts, ticks the checklist from the overview and lists recent activity", async () => {
    state.role = "owner";
    renderWithIntl(<DashboardPage />);

    const checklist = await screen.findByRole("list", { name: "Getting started" });
    const steps = within(checklist).getAllByRole("listitem");
    expect(steps.map((step) => [step.textContent, step.dataset.done])).toEqual([
      ["✓Invite a teammateDone", "true"],
      ["✓Create a projectTo do", "false"],
      ["✓Upload a fileDone", "true"],
    ]);
    expect(within(checklist).getByRole("link", { name: "Create a project" })).toHaveAttribute("href", "/projects");
    expect(screen.getByText("1 pending invitation")).toBeInTheDocument();
    expect(screen.getByText("5 MB of 1 GB")).toBeInTheDocument();
    expect(await screen.findByText("invitation.created")).toBeInTheDocument();
  });
});
