import { describe, expect, it } from "vitest";
import { continuePage } from "./continuePage";

describe("continuePage", () => {
  it("continues to an http(s) URL with a meta refresh and a link, escaped", () => {
    const page = continuePage(new URL("http://localhost:3000/accounts/social/start/?s=a&b=\"<x>'"));
    expect(page).toBe(
      `<!doctype html><html><head><meta charset="utf-8"><meta name="robots" content="noindex">` +
        `<meta http-equiv="refresh" content="0;url=http://localhost:3000/accounts/social/start/?s=a&#38;b=%22%3Cx%3E%27">` +
        `<title>Signing in…</title></head>` +
        `<body><p><a href="http://localhost:3000/accounts/social/start/?s=a&#38;b=%22%3Cx%3E%27">Continue signing in</a></p></body></html>`,
    );
  });

  it("writes no other scheme into a page", () => {
    expect(continuePage(new URL("javascript:alert(1)"))).toBeNull();
    expect(continuePage(new URL("data:text/html,hi"))).toBeNull();
  });
});
