import http from "node:http";
import https from "node:https";

/**
 * Whether an organisation lives at `host`, asked of Django the way the browser would reach it: any request
 * with that Host header answers 404 `tenant_not_found` when none does (tenants/middleware.py). `/healthz` is the
 * cheapest such request (no database work beyond the host lookup, no authentication, no rate limit).
 *
 * "unknown" when Django cannot be asked (BACKEND_URL unreachable, a timeout): the page renders as before and
 * its own API calls report the problem, so an outage never turns every organisation into "not found".
 */
export type OrganisationLookup = "found" | "missing" | "unknown";

const BACKEND_URL = new URL(process.env.BACKEND_URL || "http://127.0.0.1:8000");
const TIMEOUT_MS = 3000;

export function organisationAtHost(host: string): Promise<OrganisationLookup> {
  const transport = BACKEND_URL.protocol === "https:" ? https : http;
  return new Promise((resolve) => {
    const request = transport.request(
      {
        protocol: BACKEND_URL.protocol,
        hostname: BACKEND_URL.hostname,
        port: BACKEND_URL.port || (BACKEND_URL.protocol === "https:" ? 443 : 80),
        method: "GET",
        path: "/healthz",
        headers: { host, "x-forwarded-host": host, accept: "application/json" },
        timeout: TIMEOUT_MS,
      },
      (response) => {
        if (response.statusCode !== 404) {
          response.resume();
          resolve("found"); // 200, or suspended / in maintenance: an organisation lives there
          return;
        }
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          if (body.length < 4096) body += chunk;
        });
        response.on("end", () => resolve(body.includes('"tenant_not_found"') ? "missing" : "unknown"));
        response.on("error", () => resolve("unknown"));
      },
    );
    request.on("timeout", () => request.destroy());
    request.on("error", () => resolve("unknown"));
    request.end();
  });
}
