import MockAdapter from "axios-mock-adapter";
import { describe, expect, it, vi } from "vitest";
import { api, createApiClient, CSRF_HEADER, REFRESH_PATH } from "./client";
import { logout } from "./endpoints";
import { createTokenStore } from "./tokens";

function setup(initialToken: string | null = "expired") {
  const tokens = createTokenStore();
  tokens.set(initialToken);
  const onSessionExpired = vi.fn();
  const client = createApiClient({ tokens, onSessionExpired });
  const http = new MockAdapter(client.http, { delayResponse: 5 });
  return { client, tokens, http, onSessionExpired };
}

const bearer = (config: { headers?: Record<string, unknown> }) => config.headers?.Authorization;

describe("api client: access token in memory, single-flight refresh", () => {
  it("five concurrent 401s cause exactly one refresh, then all five are retried with the new token", async () => {
    const { client, tokens, http } = setup("expired");
    let refreshCalls = 0;
    http.onPost(REFRESH_PATH).reply(async (config) => {
      refreshCalls += 1;
      // The refresh token is the httpOnly cookie: no body token, no bearer header.
      expect(JSON.parse(config.data as string)).toEqual({});
      expect(bearer(config)).toBeUndefined();
      await new Promise((resolve) => setTimeout(resolve, 30));
      return [200, { access: "fresh", refresh: "rotated-but-ignored" }];
    });
    http.onGet(/\/api\/v1\/projects\/\d+\/$/).reply((config) =>
      bearer(config) === "Bearer fresh" ? [200, { id: config.url }] : [401, { type: "client_error", errors: [] }],
    );

    const results = await Promise.all([1, 2, 3, 4, 5].map((id) => client.http.get(`/api/v1/projects/${id}/`)));

    expect(refreshCalls).toBe(1);
    expect(http.history.post.filter((r) => r.url === REFRESH_PATH)).toHaveLength(1);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const gets = http.history.get;
    expect(gets).toHaveLength(10); // five first tries + five retries
    expect(gets.slice(0, 5).every((r) => bearer(r) === "Bearer expired")).toBe(true);
    expect(gets.slice(5).every((r) => bearer(r) === "Bearer fresh")).toBe(true);
    expect(new Set(gets.slice(5).map((r) => r.url))).toEqual(new Set([1, 2, 3, 4, 5].map((id) => `/api/v1/projects/${id}/`)));
    expect(tokens.get()).toBe("fresh");
  });

  it("a request that fails after another one already refreshed is retried without a second refresh", async () => {
    const { client, http, tokens } = setup("expired");
    http.onPost(REFRESH_PATH).reply(200, { access: "fresh" });
    http.onGet("/slow/").replyOnce(() => new Promise((resolve) => setTimeout(() => resolve([401, {}]), 80)));
    http.onGet("/slow/").reply(200, { ok: true });
    http.onGet("/fast/").reply((config) => (bearer(config) === "Bearer fresh" ? [200, {}] : [401, {}]));

    const [slow, fast] = await Promise.all([client.http.get("/slow/"), client.http.get("/fast/")]);
    expect(slow.status).toBe(200);
    expect(fast.status).toBe(200);
    expect(http.history.post.filter((r) => r.url === REFRESH_PATH)).toHaveLength(1);
    expect(tokens.get()).toBe("fresh");
  });

  it("when the refresh fails, every waiting request fails, the token is dropped and the session ends once", async () => {
    const { client, tokens, http, onSessionExpired } = setup("expired");
    http.onPost(REFRESH_PATH).reply(401, { type: "client_error", errors: [{ code: "token_not_valid", detail: "", attr: null }] });
    http.onGet(/\/items\/\d$/).reply(401, {});

    const outcomes = await Promise.allSettled([1, 2, 3].map((id) => client.http.get(`/items/${id}`)));

    expect(outcomes.every((o) => o.status === "rejected")).toBe(true);
    expect(http.history.post.filter((r) => r.url === REFRESH_PATH)).toHaveLength(1);
    expect(http.history.get).toHaveLength(3); // no retries without a token
    expect(tokens.get()).toBeNull();
    expect(onSessionExpired).toHaveBeenCalledTimes(1);
  });

  it("a retried request that is still 401 is final (no refresh loop)", async () => {
    const { client, http } = setup("expired");
    http.onPost(REFRESH_PATH).reply(200, { access: "fresh" });
    http.onGet("/forbidden-here/").reply(401, {});
    await expect(client.http.get("/forbidden-here/")).rejects.toMatchObject({ response: { status: 401 } });
    expect(http.history.post).toHaveLength(1);
    expect(http.history.get).toHaveLength(2);
  });

  it("login-style calls (skipAuth) never trigger a refresh and carry no bearer", async () => {
    const { client, http } = setup("whatever");
    http.onPost("/api/v1/auth/login/").reply(401, {});
    await expect(client.http.post("/api/v1/auth/login/", {}, { skipAuth: true })).rejects.toBeTruthy();
    expect(bearer(http.history.post[0]!)).toBeUndefined();
    expect(http.history.post).toHaveLength(1);
  });

  it("never writes tokens to web storage", async () => {
    const setItem = vi.spyOn(Storage.prototype, "setItem");
    const { client, http } = setup(null);
    http.onPost(REFRESH_PATH).reply(200, { access: "fresh", refresh: "secret-refresh" });
    http.onGet("/me/").reply((config) => (bearer(config) === "Bearer fresh" ? [200, {}] : [401, {}]));
    await client.http.get("/me/");
    expect(setItem).not.toHaveBeenCalled();
    expect(document.cookie).not.toContain("secret-refresh");
    expect(JSON.stringify({ ...localStorage, ...sessionStorage })).not.toContain("fresh");
  });
});

describe("api client: the CSRF header the refresh cookie needs", () => {
  const csrf = (config: { headers?: Record<string, unknown> }) => config.headers?.[CSRF_HEADER];

  it("the cookie refresh carries X-Requested-With (the API answers 403 csrf_header_missing without it)", async () => {
    const { client, http } = setup("expired");
    http.onPost(REFRESH_PATH).reply((config) =>
      csrf(config) ? [200, { access: "fresh" }] : [403, { type: "client_error", errors: [{ code: "csrf_header_missing" }] }],
    );
    http.onGet("/api/v1/me/").reply((config) => (bearer(config) === "Bearer fresh" ? [200, {}] : [401, {}]));

    const me = await client.http.get("/api/v1/me/");

    expect(me.status).toBe(200);
    const refresh = http.history.post.filter((r) => r.url === REFRESH_PATH);
    expect(refresh).toHaveLength(1);
    expect(csrf(refresh[0]!)).toBe("XMLHttpRequest");
    // Every other request carries it too, with or without a bearer token.
    expect(http.history.get.map(csrf)).toEqual(["XMLHttpRequest", "XMLHttpRequest"]);
  });

  it("logout (the cookie, an empty body) carries X-Requested-With", async () => {
    const http = new MockAdapter(api);
    try {
      http.onPost("/api/v1/auth/logout/").reply((config) => (csrf(config) ? [204] : [403, {}]));
      await logout();
      expect(http.history.post).toHaveLength(1);
      expect(JSON.parse(http.history.post[0]!.data as string)).toEqual({});
      expect(csrf(http.history.post[0]!)).toBe("XMLHttpRequest");
    } finally {
      http.restore();
    }
  });
});
