import { cleanup, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import MockAdapter from "axios-mock-adapter";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { OrgShell } from "@/features/org/OrgShell";
import { logoIdentity } from "@/features/settings/api";
import { parseDomains } from "@/features/settings/SsoSettings";
import { api, apiClient } from "@/lib/api/client";
import type { Permission } from "@/lib/api/types";
import { renderWithIntl } from "@/test/render";
import SettingsPage from "./page";

const navigation = vi.hoisted(() => {
  const replace = vi.fn();
  return { pathname: "/settings", router: { replace, push: vi.fn() } };
});
vi.mock("next/navigation", () => ({
  usePathname: () => navigation.pathname,
  useRouter: () => navigation.router,
}));

const OWNER: Permission[] = [
  "members.manage",
  "owners.manage",
  "billing.manage",
  "audit.read",
  "exports.manage",
  "organisation.manage",
  "organisation.security",
];

function me(permissions: Permission[], name = "Acme") {
  return {
    id: 7,
    email: "ada@acme.test",
    fullName: "Ada",
    role: permissions.length ? "owner" : "member",
    permissions,
    avatarUrl: null,
    tenant: { id: "t1", name, subdomain: "acme" },
    organisations: [
      { id: "t1", name, subdomain: "acme", url: "http://acme.localhost/", role: permissions.length ? "owner" : "member", current: true },
    ],
    impersonatedBy: null,
    mfaSetupRequired: false,
  };
}

const ORGANISATION = {
  id: "t1",
  name: "Acme",
  subdomain: "acme",
  logoUrl: null,
  requireMfa: false,
  createdAt: "2026-01-02T10:00:00Z",
};

function validation(attr: string | null, code: string, detail: string) {
  return { type: "validation_error", errors: [{ code, detail, attr }] };
}

/** The JSON body of the `index`th request of a kind. */
function sent(requests: { data?: unknown }[], index: number): unknown {
  const request = requests[index];
  if (!request) throw new Error(`no request #${index}`);
  return JSON.parse(request.data as string);
}

let http: MockAdapter;

/** Where the toasts are (the root layout's toaster: successes are announced there, not in the section). */
const toasts = () => screen.getByRole("region", { name: "Notifications (Alt+T)" });

beforeEach(() => {
  http = new MockAdapter(api);
  apiClient.tokens.set("access");
});
afterEach(() => {
  cleanup();
  http.restore();
  apiClient.tokens.set(null);
});

function renderPage() {
  return renderWithIntl(
    <OrgShell>
      <SettingsPage />
    </OrgShell>,
  );
}

async function asOwner({ sso = null as unknown }: { sso?: unknown } = {}) {
  http.onGet("/api/v1/me/").replyOnce(200, me(OWNER));
  http.onGet("/api/v1/organisation/").reply(200, ORGANISATION);
  if (sso) http.onGet("/api/v1/sso/").reply(200, sso);
  else http.onGet("/api/v1/sso/").reply(404, { type: "client_error", errors: [{ code: "not_found", detail: "Not configured.", attr: null }] });
  renderPage();
  return screen.findByRole("form", { name: "Organisation" });
}

describe("settings page: the organisation's name", () => {
  it("an owner renames it and the header shows the new name", async () => {
    const user = userEvent.setup();
    const form = await asOwner();
    http.onPatch("/api/v1/organisation/").replyOnce(200, { ...ORGANISATION, name: "Acme Labs" });
    http.onGet("/api/v1/me/").replyOnce(200, me(OWNER, "Acme Labs"));
    const field = within(form).getByLabelText("Organisation name");
    await user.clear(field);
    await user.type(field, "Acme Labs");
    await user.click(within(form).getByRole("button", { name: "Save" }));
    expect(await within(toasts()).findByText("The organisation has been renamed.")).toBeInTheDocument();
    expect(sent(http.history.patch, 0)).toEqual({ name: "Acme Labs" });
    expect(await screen.findByRole("link", { name: "Acme Labs" })).toHaveAttribute("href", "/");
  });

  it("shows the API's 400 next to the field", async () => {
    const user = userEvent.setup();
    const form = await asOwner();
    http.onPatch("/api/v1/organisation/").replyOnce(400, validation("name", "blank", "This field may not be blank."));
    const field = within(form).getByLabelText("Organisation name");
    await user.clear(field);
    await user.type(field, "  x");
    await user.click(within(form).getByRole("button", { name: "Save" }));
    expect(await within(form).findByText("This field may not be blank.")).toBeInTheDocument();
    expect(field).toHaveAttribute("aria-invalid", "true");
    expect(within(form).queryByRole("alert")).not.toBeInTheDocument(); // by the field, not at the top
    expect(screen.getByRole("link", { name: "Acme" })).toBeInTheDocument();
  });

  it("a member sees it read-only, can leave, and sees no owner sections", async () => {
    http.onGet("/api/v1/me/").reply(200, me([]));
    http.onGet("/api/v1/organisation/").reply(200, ORGANISATION);
    renderPage();
    expect(await screen.findByText("Only owners and admins can change these settings.")).toBeInTheDocument();
    expect(screen.queryByRole("textbox")).not.toBeInTheDocument();
    expect(screen.queryByLabelText("Choose an image")).not.toBeInTheDocument();
    expect(screen.queryByRole("switch")).not.toBeInTheDocument();
    expect(screen.queryByRole("heading", { name: "Single sign-on (SSO)" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Delete organisation" })).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Leave organisation" })).toBeEnabled();
    expect(http.history.get.map((r) => r.url)).not.toContain("/api/v1/sso/");
  });
});

describe("settings page: security and leaving", () => {
  it("explains mfa_not_enabled with a link to the profile's MFA section", async () => {
    const user = userEvent.setup();
    await asOwner();
    http
      .onPatch("/api/v1/organisation/")
      .replyOnce(400, validation("requireMfa", "mfa_not_enabled", "Set up multi-factor authentication on your own account first."));
    const toggle = screen.getByRole("switch", { name: "Require two-factor authentication" });
    expect(toggle).toHaveAttribute("aria-checked", "false");
    await user.click(toggle);
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent(
      "Set up two-factor authentication on your own account first, so that you are not locked out: set it up in your profile.",
    );
    expect(within(alert).getByRole("link", { name: "set it up in your profile" })).toHaveAttribute("href", "/profile#mfa");
    expect(toggle).toHaveAttribute("aria-checked", "false");
    expect(sent(http.history.patch, 0)).toEqual({ requireMfa: true });
  });

  it("turns it on when the owner has MFA", async () => {
    const user = userEvent.setup();
    await asOwner();
    http.onPatch("/api/v1/organisation/").replyOnce(200, { ...ORGANISATION, requireMfa: true });
    await user.click(screen.getByRole("switch", { name: "Require two-factor authentication" }));
    expect(await screen.findByText("Two-factor authentication is now required of every member.")).toBeInTheDocument();
    expect(screen.getByRole("switch", { name: "Require two-factor authentication" })).toHaveAttribute("aria-checked", "true");
  });

  it("the last owner is told why they cannot leave", async () => {
    const user = userEvent.setup();
    await asOwner();
    http.onPost("/api/v1/organisation/leave/").replyOnce(400, validation("role", "last_owner", "The last owner cannot leave."));
    await user.click(screen.getByRole("button", { name: "Leave organisation" }));
    const dialog = screen.getByRole("dialog", { name: "Leave Acme?" });
    await user.click(within(dialog).getByRole("button", { name: "Leave organisation" }));
    expect(await screen.findByText(/You are this organisation's last owner, so you cannot leave it\./)).toBeInTheDocument();
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(http.history.post.map((r) => r.url)).toEqual(["/api/v1/organisation/leave/"]);
  });
});

describe("settings page: logo", () => {
  it("refuses a file that is not an image, or over 5 MB, before sending it", async () => {
    const user = userEvent.setup({ applyAccept: false });
    await asOwner();
    const input = screen.getByLabelText("Choose an image");
    await user.upload(input, new File(["%PDF"], "report.pdf", { type: "application/pdf" }));
    expect(screen.getByRole("alert")).toHaveTextContent("report.pdf is not a PNG, JPEG, GIF or WebP image. Nothing was uploaded.");
    expect(screen.getByRole("button", { name: "Upload logo" })).toBeDisabled();
    const big = new File(["x"], "huge.png", { type: "image/png" });
    Object.defineProperty(big, "size", { value: 6 * 1024 * 1024 });
    await user.upload(input, big);
    expect(screen.getByRole("alert")).toHaveTextContent("huge.png is 6 MB: a logo can be at most 5 MB. Nothing was uploaded.");
    expect(input).toHaveAttribute("aria-invalid", "true");
    expect(http.history.post).toHaveLength(0);
  });

  it("knows a logo by its object, not by the URL's signature", () => {
    const s3 = "http://127.0.0.1:9000/bucket/tenants/t1/organisation/logo/logo-ab.png";
    expect(logoIdentity(`${s3}?X-Amz-Date=1&X-Amz-Signature=a`)).toBe(logoIdentity(`${s3}?X-Amz-Date=2&X-Amz-Signature=b`));
    expect(logoIdentity(`${s3}?X-Amz-Date=1`)).not.toBe(logoIdentity(`${s3.replace("-ab", "-cd")}?X-Amz-Date=1`));
    expect(logoIdentity("/api/v1/downloads/?token=eyJrIjoiYSJ9:1tAbc:sig1")).toBe(logoIdentity("/api/v1/downloads/?token=eyJrIjoiYSJ9:1tAbd:sig2"));
    expect(logoIdentity("/api/v1/downloads/?token=eyJrIjoiYSJ9:1:s")).not.toBe(logoIdentity("/api/v1/downloads/?token=eyJrIjoiYiJ9:1:s"));
    expect(logoIdentity(null)).toBeNull();
  });
});

describe("settings page: deleting the organisation", () => {
  it("needs the exact subdomain typed, then shows when it will be erased", async () => {
    const user = userEvent.setup();
    await asOwner();
    await user.click(screen.getByRole("button", { name: "Delete organisation" }));
    const dialog = screen.getByRole("dialog", { name: "Delete Acme?" });
    const field = within(dialog).getByLabelText("Type acme to confirm");
    expect(field).toHaveFocus();
    const confirm = within(dialog).getByRole("button", { name: "Delete this organisation" });
    expect(confirm).toBeDisabled();
    for (const wrong of ["acm", "ACME", "acme "]) {
      await user.clear(field);
      await user.type(field, wrong);
      expect(confirm).toBeDisabled();
    }
    await user.type(field, "{Enter}");
    expect(http.history.post).toHaveLength(0);
    await user.clear(field);
    await user.type(field, "acme");
    expect(confirm).toBeEnabled();
    http.onPost("/api/v1/organisation/deletion/").replyOnce(202, { status: "scheduled", dueAt: "2026-02-01T10:00:00Z" });
    await user.click(confirm);
    expect(await screen.findByRole("heading", { name: "Acme will be deleted" })).toBeInTheDocument();
    // In the browser's time zone, as the page formats it.
    const due = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" }).format(new Date("2026-02-01T10:00:00Z"));
    expect(screen.getByRole("status")).toHaveTextContent(`The organisation is suspended. Its data will be erased on ${due}.`);
    expect(screen.getByRole("button", { name: "Sign out and go to the public site" })).toBeInTheDocument();
    expect(sent(http.history.post, 0)).toEqual({ confirm: "acme", reason: "" });
  });

  it("Cancel closes the dialog and sends nothing", async () => {
    const user = userEvent.setup();
    await asOwner();
    const opener = screen.getByRole("button", { name: "Delete organisation" });
    await user.click(opener);
    await user.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(opener).toHaveFocus();
    expect(http.history.post).toHaveLength(0);
  });
});

describe("settings page: single sign-on", () => {
  const CONFIG = {
    issuer: "https://login.example.com",
    clientId: "acme-app",
    emailDomains: ["acme.test", "acme.example"],
    enforced: false,
    autoJoin: true,
    providerId: "sso-t1",
    callbackUrl: "https://localhost/accounts/oidc/sso-t1/login/callback/",
    // Never sent by the API; here to prove the page would not show it anyway.
    clientSecret: "leaked-secret",
  };

  it("shows the API's errors by field", async () => {
    const user = userEvent.setup();
    await asOwner();
    const form = await screen.findByRole("form", { name: "Single sign-on (SSO)" });
    await user.type(within(form).getByLabelText("Issuer URL"), "http://10.0.0.1");
    await user.type(within(form).getByLabelText("Client ID"), "acme-app");
    await user.type(within(form).getByLabelText("Email domains"), "acme.test, acme.example{Enter}other.test");
    http.onPut("/api/v1/sso/").replyOnce(400, {
      type: "validation_error",
      errors: [
        { code: "https_required", detail: "The issuer must use https.", attr: "issuer" },
        { code: "required", detail: "The client secret is required.", attr: "clientSecret" },
        { code: "invalid", detail: "'bad' is not a domain name.", attr: "emailDomains.1" },
      ],
    });
    await user.click(within(form).getByRole("button", { name: "Save SSO settings" }));
    expect(await within(form).findByText("The issuer must use https.")).toBeInTheDocument();
    expect(within(form).getByLabelText("Issuer URL")).toHaveAttribute("aria-invalid", "true");
    expect(within(form).getByLabelText("Client secret")).toHaveAttribute("aria-invalid", "true");
    expect(within(form).getByText("The client secret is required.")).toBeInTheDocument();
    expect(within(form).getByText("'bad' is not a domain name.")).toBeInTheDocument();
    expect(sent(http.history.put, 0)).toEqual({
      issuer: "http://10.0.0.1",
      clientId: "acme-app",
      emailDomains: ["acme.test", "acme.example", "other.test"],
      enforced: false,
      autoJoin: false,
    });
  });

  it("never shows a secret: stored is said, empty keeps it, a typed one is cleared after saving", async () => {
    const user = userEvent.setup();
    await asOwner({ sso: CONFIG });
    const form = await screen.findByRole("form", { name: "Single sign-on (SSO)" });
    const secret = within(form).getByLabelText("Client secret");
    expect(secret).toHaveValue("");
    expect(secret).toHaveAttribute("type", "password");
    expect(secret).toHaveAttribute("placeholder", "Stored");
    expect(within(form).getByText("A secret is stored. Leave this empty to keep it, or type a new one to replace it.")).toBeInTheDocument();
    expect(within(form).getByTestId("sso-callback-url")).toHaveTextContent(CONFIG.callbackUrl);
    expect(within(form).getByLabelText("Email domains")).toHaveValue("acme.test\nacme.example");
    expect(document.body.innerHTML).not.toContain("leaked-secret");

    const saved: Partial<typeof CONFIG> = { ...CONFIG };
    delete saved.clientSecret;
    http.onPut("/api/v1/sso/").reply(200, saved);
    await user.click(within(form).getByRole("button", { name: "Save SSO settings" }));
    expect(await within(toasts()).findByText("Single sign-on has been saved.")).toBeInTheDocument();
    expect(sent(http.history.put, 0)).not.toHaveProperty("clientSecret");

    await user.type(secret, "brand-new-secret");
    await user.click(within(form).getByRole("button", { name: "Save SSO settings" }));
    await vi.waitFor(() => expect(http.history.put).toHaveLength(2));
    expect(sent(http.history.put, 1)).toMatchObject({ clientSecret: "brand-new-secret" });
    await vi.waitFor(() => expect(within(form).getByLabelText("Client secret")).toHaveValue(""));
    expect(document.body.innerHTML).not.toContain("brand-new-secret");
  });

  it("splits domains on commas, spaces and lines", () => {
    expect(parseDomains(" a.test,b.test\n\nc.test ; d.test ")).toEqual(["a.test", "b.test", "c.test", "d.test"]);
  });
});
