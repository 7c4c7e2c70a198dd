/** Which kind of host a page is served on. Mirrors tenants/hosts.py (classify_host) on the backend. */

export type HostInfo =
  | { kind: "public"; host: string }
  | { kind: "organisation"; host: string; subdomain: string | null };

/**
 * The base domain, read at run time so one build serves any domain: on the server from SAAS_BASE_DOMAIN (the
 * backend's variable) or NEXT_PUBLIC_BASE_DOMAIN; in the browser from <html data-base-domain>, which the root
 * layout writes from the same value.
 */
export function baseDomain(): string {
  const fromDocument = typeof document !== "undefined" ? document.documentElement.dataset.baseDomain : undefined;
  return (fromDocument || serverBaseDomain()).toLowerCase();
}

export function serverBaseDomain(): string {
  return (process.env.SAAS_BASE_DOMAIN || process.env.NEXT_PUBLIC_BASE_DOMAIN || "localhost").toLowerCase();
}

/** Lower-case, without port or trailing dot. */
export function normaliseHost(raw: string): string {
  let host = raw.trim().toLowerCase();
  if (!host.startsWith("[")) host = host.replace(/:\d+$/, "");
  return host.replace(/\.$/, "");
}

export function classifyHost(raw: string, base: string = baseDomain()): HostInfo {
  const host = normaliseHost(raw);
  if (host === base || host === `www.${base}`) return { kind: "public", host };
  if (host.endsWith(`.${base}`)) {
    return { kind: "organisation", host, subdomain: host.slice(0, -(base.length + 1)) };
  }
  // A verified custom domain: the backend decides whether it belongs to an organisation.
  return { kind: "organisation", host, subdomain: null };
}

/** The public site's origin, for links from an organisation host back to signup and the account page. */
export function publicOrigin(): string {
  if (typeof window === "undefined") return `http://${baseDomain()}`;
  const { protocol, port } = window.location;
  return `${protocol}//${baseDomain()}${port ? `:${port}` : ""}`;
}

/**
 * What an organisation at `subdomain` would be reached at, shown live in the signup form. `port` is the
 * browser's (React components pass it from useOrganisationHostPreview, so the server render matches).
 */
export function organisationHostPreview(subdomain: string, port: string): string {
  return `${subdomain || "your-team"}.${baseDomain()}${port ? `:${port}` : ""}`;
}
