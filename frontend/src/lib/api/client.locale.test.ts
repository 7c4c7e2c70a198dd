import MockAdapter from "axios-mock-adapter";
import { afterEach, describe, expect, it } from "vitest";
import { createApiClient } from "./client";
import { createTokenStore } from "./tokens";

const language = (config: { headers?: Record<string, unknown> }) => config.headers?.["Accept-Language"];

function setup(options: Parameters<typeof createApiClient>[0] = {}) {
  const client = createApiClient({ tokens: createTokenStore(), ...options });
  const http = new MockAdapter(client.http);
  http.onAny().reply(200, {});
  return { client, http };
}

describe("api client: the chosen language goes with every request", () => {
  const initial = document.documentElement.lang;
  afterEach(() => {
    document.documentElement.lang = initial;
  });

  it("sends the page's language (<html lang>, kept in step by the language switcher) as Accept-Language", async () => {
    const { client, http } = setup();
    document.documentElement.lang = "fr";
    await client.http.get("/api/v1/me/");
    // Requests without the access token (login, signup, accept-invite) too: their errors are shown as well.
    await client.http.post("/api/v1/auth/login/", {}, { skipAuth: true });
    document.documentElement.lang = "en"; // switched back: the next request follows at once
    await client.http.get("/api/v1/me/");
    expect(http.history.get.map(language)).toEqual(["fr", "en"]);
    expect(http.history.post.map(language)).toEqual(["fr"]);
  });

  it("a locale source of its own wins, and no language leaves the browser's header alone", async () => {
    let current: string | null = "fr";
    const { client, http } = setup({ locale: () => current });
    document.documentElement.lang = "en";
    await client.http.get("/api/v1/organisation/");
    current = null;
    await client.http.get("/api/v1/organisation/");
    expect(http.history.get.map(language)).toEqual(["fr", undefined]);
  });
});
