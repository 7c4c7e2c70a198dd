import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { InvitationPreview } from "@/lib/api/types";
import { renderWithIntl } from "@/test/render";
import AcceptInvitePage from "./page";

const state = vi.hoisted(() => ({ preview: null as unknown }));
vi.mock("next/navigation", () => ({
  useSearchParams: () => new URLSearchParams("?token=tok"),
  useRouter: () => ({ replace: vi.fn() }),
}));
vi.mock("@/lib/api/endpoints", () => ({
  previewInvitation: () => Promise.resolve(state.preview),
  acceptInvitation: vi.fn(),
}));
// The provider buttons fetch allauth's config: tested in src/features/social, not part of these rules.
vi.mock("@/features/social/ProviderButtons", () => ({ ProviderButtons: () => null }));

const NEW: InvitationPreview = { organisationName: "Acme", email: "bea@acme.test", role: "admin", accountExists: false };

describe("accept-invite", () => {
  it("shows all four password rules signup shows, ticked while typing, and the role in words", async () => {
    state.preview = NEW;
    renderWithIntl(<AcceptInvitePage />);
    expect(await screen.findByText("You were invited to join as an admin.")).toBeInTheDocument();
    const rules = screen.getByRole("list", { name: "Password rules" });
    expect(within(rules).getAllByRole("listitem").map((li) => li.textContent)).toEqual([
      "• At least 10 characters (not met yet)",
      "• Not only digits (not met yet)",
      "• Not similar to your email (not met yet)",
      "• Not a commonly used password (checked when you submit)",
    ]);
    await userEvent.setup().type(screen.getByLabelText("Password"), "correct-horse-42");
    expect(within(rules).getAllByRole("listitem")[0]).toHaveTextContent("✓ At least 10 characters (met)");
    expect(within(rules).getAllByRole("listitem")[2]).toHaveTextContent("✓ Not similar to your email (met)");
    expect(screen.getByLabelText("Password")).toHaveAccessibleDescription(/At least 10 characters/);
  });

  it("asks an existing account for its password without the rules", async () => {
    state.preview = { ...NEW, accountExists: true, role: "owner" };
    renderWithIntl(<AcceptInvitePage />, { locale: "fr" });
    expect(await screen.findByText("Vous êtes invité en tant que propriétaire.")).toBeInTheDocument();
    expect(screen.queryByRole("list", { name: "Règles du mot de passe" })).not.toBeInTheDocument();
  });
});
