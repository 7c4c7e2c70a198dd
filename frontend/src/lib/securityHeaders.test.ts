import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, securityHeaderRules, TOKEN_PAGES } from "./securityHeaders";
import { THEME_SCRIPT } from "./theme";

const valueOf = (rules: ReturnType<typeof securityHeaderRules>, source: string, key: string) =>
  rules.find((rule) => rule.source === source)?.headers.find((header) => header.key === key)?.value;

describe("security headers (next.config.ts headers())", () => {
  it("every page: a CSP that forbids framing and foreign scripts, X-Frame-Options DENY", () => {
    const rules = securityHeaderRules(false);
    const all = rules[0]!;
    expect(all.source).toBe("/:path((?!api/|_allauth/).*)");
    const csp = valueOf(rules, all.source, "Content-Security-Policy")!;
    expect(csp.split("; ")).toEqual(
      expect.arrayContaining(["default-src 'self'", "script-src 'self' 'unsafe-inline'", "frame-ancestors 'none'", "object-src 'none'"]),
    );
    expect(csp).not.toContain("unsafe-eval");
    expect(valueOf(rules, all.source, "X-Frame-Options")).toBe("DENY");
    expect(valueOf(rules, all.source, "Referrer-Policy")).toBe("strict-origin-when-cross-origin");
  });

  it("pages whose URL carries a token send no referrer, and their rule comes after the site-wide one", () => {
    const rules = securityHeaderRules(false);
    expect(TOKEN_PAGES).toEqual(["/accept-invite", "/reset-password", "/verify-email", "/auth/handoff"]);
    for (const page of TOKEN_PAGES) {
      for (const source of [page, `${page}/`]) {
        expect(valueOf(rules, source, "Referrer-Policy")).toBe("no-referrer");
        expect(rules.findIndex((rule) => rule.source === source)).toBeGreaterThan(0);
      }
    }
    expect(valueOf(rules, "/login", "Referrer-Policy")).toBeUndefined(); // no rule of its own: the site-wide one
  });

  it("only `next dev` may evaluate code", () => {
    expect(contentSecurityPolicy(true)).toContain("script-src 'self' 'unsafe-eval' 'unsafe-inline'");
    expect(contentSecurityPolicy(false)).not.toContain("unsafe-eval");
  });

  it("lets the root layout's inline theme script run: 'unsafe-inline' with no nonce or hash beside it", () => {
    // A nonce or a hash in script-src makes browsers ignore 'unsafe-inline', which would block the theme script
    // (and Next.js's own inline scripts): whoever adds one must also list the script's hash.
    expect(THEME_SCRIPT).toMatch(/^\(function\(\)\{/);
    for (const development of [false, true]) {
      const scriptSrc = contentSecurityPolicy(development)
        .split("; ")
        .find((directive) => directive.startsWith("script-src "))!
        .split(" ");
      expect(scriptSrc).toContain("'unsafe-inline'");
      expect(scriptSrc.filter((source) => /^'(nonce|sha256|sha384|sha512)-/.test(source))).toEqual([]);
    }
  });
});
