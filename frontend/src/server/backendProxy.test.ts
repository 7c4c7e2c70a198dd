// @vitest-environment node
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// A real HTTP server on loopback stands in for Django: it answers with the headers it received.
let backend: http.Server;
let forwardToBackend: (request: Request) => Promise<Response>;

beforeAll(async () => {
  backend = http.createServer((request, response) => {
    response.setHeader("Content-Type", "application/json");
    response.end(JSON.stringify({ headers: request.headers, url: request.url }));
  });
  await new Promise<void>((resolve) => backend.listen(0, "127.0.0.1", resolve));
  const { port } = backend.address() as AddressInfo;
  vi.stubEnv("BACKEND_URL", `http://127.0.0.1:${port}`); // read when the module loads
  vi.resetModules();
  ({ forwardToBackend } = await import("./backendProxy"));
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await new Promise((resolve) => backend.close(resolve));
});

describe("backend proxy", () => {
  it("forwards Accept-Language (the client's chosen language) and the Host to Django", async () => {
    const response = await forwardToBackend(
      new Request("http://acme.localhost:3000/api/v1/me/", {
        headers: { host: "acme.localhost:3000", "accept-language": "fr", authorization: "Bearer t" },
      }),
    );
    expect(response.status).toBe(200);
    const seen = (await response.json()) as { headers: Record<string, string>; url: string };
    expect(seen.url).toBe("/api/v1/me/");
    expect(seen.headers["accept-language"]).toBe("fr");
    expect(seen.headers.host).toBe("acme.localhost:3000");
    expect(seen.headers.authorization).toBe("Bearer t");
  });
});
