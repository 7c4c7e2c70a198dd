import { act, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import MockAdapter from "axios-mock-adapter";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { apiClient } from "@/lib/api/client";
import { PUBLIC_SESSION_HINT } from "@/lib/auth/session";
import { renderWithIntl } from "@/test/render";
import { PublicShell } from "./SiteHeader";

const router = vi.hoisted(() => ({ push: vi.fn() }));
vi.mock("next/navigation", () => ({ useRouter: () => router }));

let http: MockAdapter;

beforeEach(() => {
  http = new MockAdapter(apiClient.http);
  apiClient.tokens.set(null);
  window.localStorage.clear();
  router.push.mockReset();
});

afterEach(() => {
  http.restore();
});

describe("public header", () => {
  it("offers sign in to a visitor, without asking the server", async () => {
    renderWithIntl(<PublicShell>page</PublicShell>);
    expect(await screen.findByRole("link", { name: "Sign in" })).toHaveAttribute("href", "/login");
    expect(screen.getByRole("link", { name: "Create an organisation" })).toHaveAttribute("href", "/signup");
    expect(http.history.post).toHaveLength(0); // no refresh for someone who never signed in here
  });

  it("shows the account's organisations and sign out once signed in, and signs out", async () => {
    window.localStorage.setItem(PUBLIC_SESSION_HINT, "1");
    http.onPost("/api/v1/auth/refresh/").reply(200, { access: "access-1", refresh: "r" });
    http.onPost("/api/v1/auth/logout/").reply(204);
    renderWithIntl(<PublicShell>page</PublicShell>);
    expect(await screen.findByRole("link", { name: "Your organisations" })).toHaveAttribute("href", "/account");
    expect(screen.queryByRole("link", { name: "Sign in" })).not.toBeInTheDocument();

    await userEvent.setup().click(screen.getByRole("button", { name: "Sign out" }));
    expect(await screen.findByRole("link", { name: "Sign in" })).toBeInTheDocument();
    expect(window.localStorage.getItem(PUBLIC_SESSION_HINT)).toBeNull();
    expect(http.history.post.map((r) => r.url)).toEqual(["/api/v1/auth/refresh/", "/api/v1/auth/logout/"]);
    expect(router.push).toHaveBeenCalledWith("/");
  });

  it("forgets a session that ended elsewhere", async () => {
    window.localStorage.setItem(PUBLIC_SESSION_HINT, "1");
    http.onPost("/api/v1/auth/refresh/").reply(401, { type: "client_error", errors: [{ code: "token_not_valid", detail: "x", attr: null }] });
    renderWithIntl(<PublicShell>page</PublicShell>);
    expect(await screen.findByRole("link", { name: "Sign in" })).toBeInTheDocument();
    expect(window.localStorage.getItem(PUBLIC_SESSION_HINT)).toBeNull();
  });

  it("picks up a sign-in made on this page", async () => {
    renderWithIntl(<PublicShell>page</PublicShell>);
    await screen.findByRole("link", { name: "Sign in" });
    act(() => apiClient.tokens.set("access-2"));
    expect(await screen.findByRole("link", { name: "Your organisations" })).toBeInTheDocument();
    expect(window.localStorage.getItem(PUBLIC_SESSION_HINT)).toBe("1");
  });
});
