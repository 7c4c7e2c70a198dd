import type { NextConfig } from "next";
import createNextIntlPlugin from "next-intl/plugin";
import { securityHeaderRules } from "./src/lib/securityHeaders";

const withNextIntl = createNextIntlPlugin("./src/i18n/request.ts");

const nextConfig: NextConfig = {
  // Django's URLs end with a slash: never let Next.js redirect `/api/v1/signup/` to `/api/v1/signup`
  // (a 308 on a POST, and Django would append the slash again).
  skipTrailingSlashRedirect: true,
  // A self-contained server for the production image (deploy/frontend.Dockerfile).
  output: "standalone",
  poweredByHeader: false,
  // One line per request: Django logs every /api and /_allauth request (with its request id) after the
  // route handler forwards it, so Next.js logging them too would print each one twice.
  logging: { incomingRequests: { ignore: [/^\/api\//, /^\/_allauth\//] } },
  reactStrictMode: true,
  // CSP, X-Frame-Options and Referrer-Policy (no-referrer where the URL carries a token): src/lib/securityHeaders.ts.
  async headers() {
    return securityHeaderRules(process.env.NODE_ENV === "development");
  },
  // `/api/*` is NOT a rewrite: Next.js proxies external rewrites with changeOrigin, which replaces the
  // Host header, and Django picks the organisation from Host. src/app/api/[...path]/route.ts forwards instead.
};

export default withNextIntl(nextConfig);
