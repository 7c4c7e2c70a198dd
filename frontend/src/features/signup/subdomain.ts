/** The same label rule as tenants/hosts.py: 3-63 lower-case letters, digits and inner hyphens. */
const LABEL = /^[a-z0-9](?:[a-z0-9-]{1,61})[a-z0-9]$/;

export function isWellFormedSubdomain(value: string): boolean {
  return LABEL.test(value) && value.slice(2, 4) !== "--" && !value.startsWith("xn--");
}

/** A subdomain suggestion from an organisation name: "Acme Corp." -> "acme-corp". */
export function suggestSubdomain(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63)
    .replace(/-+$/g, "");
}
