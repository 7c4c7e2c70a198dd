/** `&`, `<`, `>`, `"` and `'` as HTML entities: the URL goes into an attribute and a text node. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The HTML that sends the browser on to `target` with a meta refresh (a navigation, not a form submission:
 * `form-action` does not apply), with a link for a browser that does not follow it. Null for anything but an
 * http(s) URL, so a `javascript:` or `data:` location is never written into a page.
 */
export function continuePage(target: URL): string | null {
  if (target.protocol !== "https:" && target.protocol !== "http:") return null;
  const href = escapeHtml(target.href);
  return (
    `<!doctype html><html><head><meta charset="utf-8"><meta name="robots" content="noindex">` +
    `<meta http-equiv="refresh" content="0;url=${href}"><title>Signing in…</title></head>` +
    `<body><p><a href="${href}">Continue signing in</a></p></body></html>`
  );
}
