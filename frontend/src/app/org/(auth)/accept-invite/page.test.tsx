import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { InvitationPreview } from "@/lib/api/types";
import { renderWithIntl } from "@/test/render";
import AcceptInvitePage from "./page";

const state = vi.hoisted(() => ({
  search: "?token=tok",
  preview: null as unknown,
  previewed: [] as string[],
  buttons: [] as Record<string, unknown>[],
  replace: vi.fn(),
  accept: vi.fn(),
}));
vi.mock("next/navigation", () => ({
  useSearchParams: () => new URLSearchParams(state.search),
  useRouter: () => ({ replace: state.replace }),
}));
vi.mock("@/lib/api/endpoints", () => ({
  ALLAUTH_BASE: "/_allauth/app/v1",
  previewInvitation: (token: string) => {
    state.previewed.push(token);
    return state.preview ? Promise.resolve(state.preview) : Promise.reject(new Error("404"));
  },
  acceptInvitation: (input: unknown) => state.accept(input),
  isMfaChallenge: (result: { mfaRequired?: boolean }) => result.mfaRequired === true,
}));
// The provider buttons fetch allauth's config: tested in src/features/social; here, what the page gives them.
vi.mock("@/features/social/ProviderButtons", () => ({
  ProviderButtons: (props: Record<string, unknown>) => {
    state.buttons.push(props);
    return null;
  },
}));

afterEach(() => {
  state.search = "?token=tok";
  state.previewed = [];
  state.buttons = [];
  window.sessionStorage.clear();
});

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

  it("an existing account with MFA joins, then gives its second factor on the sign-in page", async () => {
    state.preview = { ...NEW, accountExists: true };
    state.accept.mockResolvedValue({ mfaRequired: true, mfaToken: "mfa-1", methods: ["recovery_codes", "totp"] });
    const user = userEvent.setup();
    renderWithIntl(<AcceptInvitePage />);
    await user.type(await screen.findByLabelText("Your account's password"), "the-account-password");
    await user.click(screen.getByRole("button", { name: "Accept and join" }));
    await vi.waitFor(() => expect(state.replace).toHaveBeenCalledWith("/login?mfaToken=mfa-1&methods=recovery_codes%2Ctotp"));
    expect(state.accept).toHaveBeenCalledWith({ token: "tok", password: "the-account-password", fullName: undefined });
  });

  it("asks an existing account for its password without the rules", async () => {
    state.preview = { ...NEW, accountExists: true, role: "owner" };
    renderWithIntl(<AcceptInvitePage />, { locale: "fr" });
    expect(await screen.findByText("Vous êtes invité en tant que propriétaire.")).toBeInTheDocument();
    expect(screen.queryByRole("list", { name: "Règles du mot de passe" })).not.toBeInTheDocument();
  });

  it("offers the providers with the invitation, returning here, and keeps the token for this tab", async () => {
    state.preview = NEW;
    renderWithIntl(<AcceptInvitePage />);
    expect(await screen.findByText("You were invited to join as an admin.")).toBeInTheDocument();
    expect(state.buttons.at(-1)).toEqual({ callbackPath: "/accept-invite", invitation: "tok" });
    expect(window.sessionStorage.getItem("kit.acceptInvite.token")).toBe("tok");
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("back from a refused provider sign-in: the reason, and the invitation again from this tab's token", async () => {
    state.preview = NEW;
    window.sessionStorage.setItem("kit.acceptInvite.token", "kept");
    state.search = "?error=invitation_email_mismatch&error_process=login";
    renderWithIntl(<AcceptInvitePage />);
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "The provider signed you in with another email address than the invited one. Sign in there with the invited address, or accept with a password below.",
    );
    expect(screen.getByText("You were invited to join as an admin.")).toBeInTheDocument();
    expect(state.previewed).toEqual(["kept"]);
    expect(state.buttons.at(-1)).toEqual({ callbackPath: "/accept-invite", invitation: "kept" });
  });

  it.each([
    ["invitation_email_unverified", "en", "The provider has not verified the invited email address. Verify it with the provider, or accept with a password below."],
    ["invitation_email_unverified", "fr", "Le fournisseur n'a pas vérifié l'adresse e-mail invitée. Vérifiez-la chez lui, ou acceptez avec un mot de passe ci-dessous."],
    ["invitation_email_mismatch", "fr", "Le fournisseur vous a connecté avec une autre adresse e-mail que celle de l'invitation. Connectez-vous chez lui avec l'adresse invitée, ou acceptez avec un mot de passe ci-dessous."],
    ["seat_limit_reached", "en", "Your organisation's plan has no seat left for another member. Ask an owner to free one or upgrade."],
    ["already_member", "fr", "Vous êtes déjà membre de cette organisation. Connectez-vous plutôt."],
    ["sso_required", "en", "Your organisation signs in with SSO. Use the SSO button to sign in."],
    ["something_else", "en", "The sign-in did not work. Try again, or sign in with your email and password."],
  ])("translates ?error=%s (%s)", async (code, locale, message) => {
    state.preview = NEW;
    window.sessionStorage.setItem("kit.acceptInvite.token", "kept");
    state.search = `?error=${code}&error_process=login`;
    renderWithIntl(<AcceptInvitePage />, { locale: locale as "en" | "fr" });
    expect(await screen.findByRole("alert")).toHaveTextContent(message);
  });

  it("an invitation no longer valid says so once", async () => {
    state.preview = null; // the preview answers 404
    window.sessionStorage.setItem("kit.acceptInvite.token", "kept");
    state.search = "?error=invitation_invalid&error_process=login";
    renderWithIntl(<AcceptInvitePage />);
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "This invitation is not valid. It may have expired, been revoked or already been used. Ask for a new one.",
    );
    expect(screen.getAllByRole("alert")).toHaveLength(1);
  });

  it("without a kept token shows the reason alone, and without an error the link is incomplete", async () => {
    state.search = "?error=invitation_email_mismatch";
    const first = renderWithIntl(<AcceptInvitePage />, { locale: "fr" });
    expect(await screen.findByRole("alert")).toHaveTextContent(/^Le fournisseur vous a connecté avec une autre adresse/);
    expect(state.previewed).toEqual([]);
    first.unmount();
    window.sessionStorage.setItem("kit.acceptInvite.token", "kept"); // a token kept is not used without an error
    state.search = "";
    renderWithIntl(<AcceptInvitePage />);
    expect(await screen.findByRole("alert")).toHaveTextContent("The link is incomplete. Open the link from your invitation email again.");
    expect(state.previewed).toEqual([]);
  });
});
