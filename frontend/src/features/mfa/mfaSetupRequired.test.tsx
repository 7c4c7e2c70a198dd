import { act, cleanup, screen } from "@testing-library/react";
import MockAdapter from "axios-mock-adapter";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { OrgShell } from "@/features/org/OrgShell";
import { api, apiClient, createApiClient } from "@/lib/api/client";
import { getMe, listProjects } from "@/lib/api/endpoints";
import { createTokenStore } from "@/lib/api/tokens";
import { renderWithIntl } from "@/test/render";

// One router object, as Next.js gives: the shell's effects depend on it.
const navigation = vi.hoisted(() => {
  const replace = vi.fn();
  return { pathname: "/", replace, router: { replace, push: vi.fn() } };
});
vi.mock("next/navigation", () => ({
  usePathname: () => navigation.pathname,
  useRouter: () => navigation.router,
}));

const refused = { type: "client_error", errors: [{ code: "mfa_setup_required", detail: "Set up MFA.", attr: null }] };
const ME = {
  id: 7,
  email: "ada@example.test",
  fullName: "Ada",
  role: "member",
  permissions: [],
  avatarUrl: null,
  tenant: { id: "t1", name: "Acme", subdomain: "acme" },
  organisations: [{ id: "t1", name: "Acme", subdomain: "acme", url: "http://acme.localhost/", role: "member", current: true }],
  impersonatedBy: null,
  mfaSetupRequired: false,
};

describe("api client: 403 mfa_setup_required", () => {
  it("calls onMfaSetupRequired once per such answer, and only for that code", async () => {
    const onMfaSetupRequired = vi.fn();
    const tokens = createTokenStore();
    tokens.set("access");
    const client = createApiClient({ tokens, onMfaSetupRequired });
    const http = new MockAdapter(client.http);
    http.onGet("/api/v1/projects/").reply(403, refused);
    http.onGet("/api/v1/members/").reply(403, { type: "client_error", errors: [{ code: "permission_denied", detail: "", attr: null }] });

    await expect(client.http.get("/api/v1/projects/")).rejects.toMatchObject({ response: { status: 403 } });
    await expect(client.http.get("/api/v1/members/")).rejects.toMatchObject({ response: { status: 403 } });

    expect(onMfaSetupRequired).toHaveBeenCalledTimes(1);
    expect(http.history.post).toHaveLength(0); // no refresh for a 403
  });
});

describe("the organisation shell sends a member without the required MFA to the profile's MFA section", () => {
  let http: MockAdapter;
  beforeEach(() => {
    http = new MockAdapter(api);
    navigation.pathname = "/";
    navigation.replace.mockReset();
    apiClient.tokens.set("access");
  });
  afterEach(() => {
    cleanup(); // unmount before the token goes, or the shell reacts to the sign-out outside the test
    http.restore();
    apiClient.tokens.set(null);
  });

  it("when /me says setup is required", async () => {
    http.onGet("/api/v1/me/").reply(200, { ...ME, mfaSetupRequired: true });
    renderWithIntl(
      <OrgShell>
        <p>dashboard</p>
      </OrgShell>,
    );
    expect(await screen.findByText("dashboard")).toBeInTheDocument();
    await vi.waitFor(() => expect(navigation.replace).toHaveBeenCalledWith("/profile#mfa"));
    expect(navigation.replace).toHaveBeenCalledTimes(1);
  });

  it("when any request answers 403 mfa_setup_required", async () => {
    http.onGet("/api/v1/me/").reply(200, ME);
    http.onGet("/api/v1/projects/").reply(403, refused);
    renderWithIntl(
      <OrgShell>
        <p>dashboard</p>
      </OrgShell>,
    );
    expect(await screen.findByText("dashboard")).toBeInTheDocument();
    expect(navigation.replace).not.toHaveBeenCalled();
    // A page's request refused (outside React here, so in act: the shell updates on it).
    await act(async () => {
      await expect(listProjects()).rejects.toMatchObject({ response: { status: 403 } });
    });
    await vi.waitFor(() => expect(navigation.replace).toHaveBeenCalledWith("/profile#mfa"));
  });

  it("but not away from the profile itself", async () => {
    navigation.pathname = "/profile";
    http.onGet("/api/v1/me/").reply(200, { ...ME, mfaSetupRequired: true });
    renderWithIntl(
      <OrgShell>
        <p>profile</p>
      </OrgShell>,
    );
    expect(await screen.findByText("profile")).toBeInTheDocument();
    await act(() => getMe());
    expect(navigation.replace).not.toHaveBeenCalled();
  });
});

