/**
 * The pages' security headers, for next.config.ts `headers()`. The values live in security-headers.json so
 * that the production proxy (deploy/nginx, which sets the same headers in front of this server) is checked
 * against the very same strings by tests/deploy/test_proxy.py.
 *
 * Why each one:
 * - Content-Security-Policy: only our own origin loads scripts, styles, fonts and API calls. `'unsafe-inline'`
 *   in script-src because Next.js's App Router inlines its bootstrap and flight-data scripts; nonces would
 *   make every page dynamic. img-src also allows https: for images served from object storage (presigned
 *   URLs on the bucket's own origin). frame-ancestors 'none' and X-Frame-Options: DENY: no page can be framed
 *   (clickjacking), the latter for browsers that predate frame-ancestors.
 * - Referrer-Policy: no-referrer on the pages whose URL carries a secret (an invitation token, a reset or
 *   verification key, a handoff code), so no link or subresource on them leaks it; elsewhere the origin only
 *   leaves the site.
 */
import policy from "./security-headers.json";

export interface HeaderRule {
  source: string;
  headers: { key: string; value: string }[];
}

export const TOKEN_PAGES: readonly string[] = policy.tokenPages;

export function contentSecurityPolicy(development: boolean): string {
  // `next dev` (React's dev build: error overlay, call stacks) evaluates code; the production build never does.
  return development
    ? policy.contentSecurityPolicy.replace("script-src 'self'", "script-src 'self' 'unsafe-eval'")
    : policy.contentSecurityPolicy;
}

export function securityHeaderRules(development = false): HeaderRule[] {
  const everywhere: HeaderRule = {
    // Every page, not the API paths this server only forwards: Django sets its own headers on those.
    source: "/:path((?!api/|_allauth/).*)",
    headers: [
      { key: "Content-Security-Policy", value: contentSecurityPolicy(development) },
      { key: "X-Frame-Options", value: policy.frameOptions },
      { key: "Referrer-Policy", value: policy.referrerPolicy },
      { key: "X-Content-Type-Options", value: "nosniff" },
    ],
  };
  // Later rules win for the same key (Next.js headers()), so these come after the site-wide one.
  const tokenPages = TOKEN_PAGES.flatMap((page) => [page, `${page}/`]).map((source) => ({
    source,
    headers: [{ key: "Referrer-Policy", value: policy.tokenPageReferrerPolicy }],
  }));
  return [everywhere, ...tokenPages];
}
