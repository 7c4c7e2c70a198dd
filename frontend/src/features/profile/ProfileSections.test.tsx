import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import MockAdapter from "axios-mock-adapter";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api } from "@/lib/api/client";
import type { Me } from "@/lib/api/types";
import { renderWithIntl } from "@/test/render";
import { AvatarSection } from "./AvatarSection";
import { NameSection } from "./NameSection";
import { PasswordSection } from "./PasswordSection";
import { SessionsSection } from "./SessionsSection";

const replace = vi.fn();
vi.mock("next/navigation", () => ({ useRouter: () => ({ replace, push: vi.fn() }) }));

const ME: Me = {
  id: 7,
  email: "ada@acme.test",
  fullName: "Ada",
  avatarUrl: null,
  role: "owner",
  permissions: [],
  tenant: { id: "t-1", name: "Acme", subdomain: "acme" },
  organisations: [],
  impersonatedBy: null,
  mfaSetupRequired: false,
};

let http: MockAdapter;
beforeEach(() => {
  http = new MockAdapter(api);
  replace.mockReset();
});
afterEach(() => http.restore());

describe("the profile's name", () => {
  it("saves the name and shows what the API kept", async () => {
    http.onPatch("/api/v1/me/").reply(200, { ...ME, fullName: "Ada Lovelace" });
    const user = userEvent.setup();
    renderWithIntl(<NameSection me={ME} />);
    const field = screen.getByLabelText("Name");
    await user.clear(field);
    await user.type(field, "  Ada Lovelace ");
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByRole("status")).toHaveTextContent("Your name has been saved.");
    expect(JSON.parse(http.history.patch[0]!.data as string)).toEqual({ fullName: "  Ada Lovelace " });
    expect(field).toHaveValue("Ada Lovelace");
  });

  it("shows the API's refusal on the field", async () => {
    http.onPatch("/api/v1/me/").reply(400, {
      type: "validation_error",
      errors: [{ code: "max_length", detail: "Ensure this field has no more than 200 characters.", attr: "fullName" }],
    });
    const user = userEvent.setup();
    renderWithIntl(<NameSection me={ME} />);
    await user.type(screen.getByLabelText("Name"), "x");
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByText("Ensure this field has no more than 200 characters.")).toBeInTheDocument();
    expect(screen.getByLabelText("Name")).toHaveAttribute("aria-invalid", "true");
  });
});

describe("the profile's password change", () => {
  it("sends the current and the new password, then says the other sessions ended", async () => {
    http.onPost("/api/v1/me/password/").reply(204);
    const user = userEvent.setup();
    renderWithIntl(<PasswordSection email={ME.email} />);
    await user.type(screen.getByLabelText("Current password"), "old secret 1");
    await user.type(screen.getByLabelText("New password"), "a much better one 2");
    await user.click(screen.getByRole("button", { name: "Change password" }));
    expect(await screen.findByRole("status")).toHaveTextContent("Your password has been changed. Your other sessions were signed out.");
    expect(JSON.parse(http.history.post[0]!.data as string)).toEqual({ currentPassword: "old secret 1", newPassword: "a much better one 2" });
    expect(screen.getByLabelText("Current password")).toHaveValue("");
  });

  it("puts a wrong current password on its field, in French too", async () => {
    http.onPost("/api/v1/me/password/").reply(400, {
      type: "validation_error",
      errors: [{ code: "wrong_password", detail: "Le mot de passe actuel est incorrect.", attr: "currentPassword" }],
    });
    const user = userEvent.setup();
    renderWithIntl(<PasswordSection email={ME.email} />, { locale: "fr" });
    await user.type(screen.getByLabelText("Mot de passe actuel"), "nope");
    await user.type(screen.getByLabelText("Nouveau mot de passe"), "a much better one 2");
    await user.click(screen.getByRole("button", { name: "Changer le mot de passe" }));
    expect(await screen.findByText("Le mot de passe actuel est incorrect.")).toBeInTheDocument();
    expect(screen.getByLabelText("Mot de passe actuel")).toHaveAttribute("aria-invalid", "true");
  });
});

describe("the profile's sessions", () => {
  const sessions = [
    { id: "s-1", organisation: { id: "t-1", name: "Acme", subdomain: "acme" }, createdAt: "2026-12-01T10:00:00Z", lastUsedAt: "2026-12-07T09:00:00Z", current: true },
    { id: "s-2", organisation: null, createdAt: "2026-11-30T10:00:00Z", lastUsedAt: "2026-12-02T09:00:00Z", current: false },
  ];

  it("lists where the account is signed in and ends one other session", async () => {
    http.onGet("/api/v1/me/sessions/").reply(200, { count: 2, next: null, previous: null, results: sessions });
    http.onDelete("/api/v1/me/sessions/s-2/").reply(204);
    const user = userEvent.setup();
    renderWithIntl(<SessionsSection />);
    const list = await screen.findByRole("list", { name: "Where you are signed in" });
    const rows = within(list).getAllByRole("listitem");
    expect(rows).toHaveLength(2);
    expect(within(rows[0]!).getByText("This session")).toBeInTheDocument();
    expect(within(rows[0]!).queryByRole("button")).toBeNull();
    await user.click(within(rows[1]!).getByRole("button", { name: "Sign out the session on Public site" }));
    expect(await screen.findByRole("status")).toHaveTextContent("That session has been signed out.");
    expect(http.history.delete.map((r) => r.url)).toEqual(["/api/v1/me/sessions/s-2/"]);
    expect(within(list).getAllByRole("listitem")).toHaveLength(1);
  });

  it("signs out everywhere, this tab included, and goes to the sign-in page", async () => {
    http.onGet("/api/v1/me/sessions/").reply(200, { count: 2, next: null, previous: null, results: sessions });
    http.onPost("/api/v1/me/sessions/revoke-all/").reply(204);
    const user = userEvent.setup();
    renderWithIntl(<SessionsSection />);
    await screen.findByRole("list", { name: "Where you are signed in" });
    await user.click(screen.getByRole("button", { name: "Sign out everywhere" }));
    expect(screen.getByRole("dialog", { name: "Sign out everywhere?" })).toBeInTheDocument();
    await user.keyboard("{Escape}");
    expect(http.history.post).toHaveLength(0);
    await user.click(screen.getByRole("button", { name: "Sign out everywhere" }));
    await user.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Sign out everywhere" }));
    await vi.waitFor(() => expect(replace).toHaveBeenCalledWith("/login"));
    expect(http.history.post.map((r) => r.url)).toEqual(["/api/v1/me/sessions/revoke-all/"]);
  });
});

describe("the profile's picture", () => {
  it("refuses a file that is not an image before sending it", async () => {
    const user = userEvent.setup({ applyAccept: false });
    renderWithIntl(<AvatarSection me={ME} />);
    await user.upload(screen.getByLabelText("Choose an image"), new File(["%PDF"], "cv.pdf", { type: "application/pdf" }));
    expect(screen.getByRole("alert")).toHaveTextContent("cv.pdf is not a PNG, JPEG, GIF or WebP image.");
    expect(screen.getByRole("button", { name: "Upload picture" })).toBeDisabled();
    expect(http.history.put).toHaveLength(0);
  });

  it("uploads, then reads /me until the worker's copy is there", async () => {
    http.onPut("/api/v1/me/avatar/").reply(202, ME);
    http.onGet("/api/v1/me/").replyOnce(200, ME).onGet("/api/v1/me/").reply(200, { ...ME, avatarUrl: "https://s3.test/accounts/7/avatar/a.webp?X-Amz-Signature=1" });
    const user = userEvent.setup();
    renderWithIntl(<AvatarSection me={ME} />);
    await user.upload(screen.getByLabelText("Choose an image"), new File(["png"], "me.png", { type: "image/png" }));
    await user.click(screen.getByRole("button", { name: "Upload picture" }));
    expect(await screen.findByText("Processing the picture…")).toBeInTheDocument();
    expect(await screen.findByText("Your new picture is ready.", {}, { timeout: 4000 })).toBeInTheDocument();
    expect((http.history.put[0]!.data as FormData).get("image")).toBeInstanceOf(File);
    expect(http.history.get).toHaveLength(2);
  });
});
