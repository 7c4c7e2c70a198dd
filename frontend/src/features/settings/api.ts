/**
 * The organisation's settings and its single sign-on (`/api/v1/organisation/...`, `/api/v1/sso/`), typed from
 * the generated tenant schema like src/lib/api/types.ts. Kept next to the feature (as features/mfa/allauth.ts
 * is) because only the settings page calls them.
 */
import type { components } from "@/api/schema/tenant";
import { api } from "@/lib/api/client";

type Schema = components["schemas"];

export type Organisation = Schema["Organisation"];
export type OrganisationUpdateInput = Schema["OrganisationUpdateRequest"];
export type Deletion = Schema["Deletion"];
export type DeletionInput = Schema["DeletionInputRequest"];
export type Sso = Schema["Sso"];
export type SsoInput = Schema["SsoInputRequest"];

/** What the backend accepts for a logo (shared_apps/memberships/organisation.py): checked before sending. */
export const LOGO_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp"] as const;
export const LOGO_MAX_BYTES = 5 * 1024 * 1024;

export const getOrganisation = () => api.get<Organisation>("/api/v1/organisation/").then((r) => r.data);
export const updateOrganisation = (input: OrganisationUpdateInput) =>
  api.patch<Organisation>("/api/v1/organisation/", input).then((r) => r.data);

/** 202: the body is the organisation as it is now; the resized logo shows in a later GET. */
export function uploadLogo(file: File) {
  const body = new FormData();
  body.append("file", file);
  return api.post<Organisation>("/api/v1/organisation/logo/", body).then((r) => r.data);
}
export const removeLogo = () => api.delete("/api/v1/organisation/logo/").then(() => undefined);

/**
 * Ends this host's session (the refresh cookie is revoked and cleared) but leaves the in-memory access token
 * alone, unlike endpoints' logout(): the page is about to leave for the public site, and clearing the token
 * would first send the organisation shell to this host's sign-in page, racing the navigation.
 */
export const endSessionBeforeLeaving = () => api.post("/api/v1/auth/logout/", {}, { skipAuth: true }).then(() => undefined);

export const leaveOrganisation = () => api.post("/api/v1/organisation/leave/").then(() => undefined);
export const requestDeletion = (input: DeletionInput) =>
  api.post<Deletion>("/api/v1/organisation/deletion/", input).then((r) => r.data);

/** null when the organisation has no SSO configured (the API's 404). */
export const getSso = () =>
  api
    .get<Sso>("/api/v1/sso/", { validateStatus: (status) => status === 200 || status === 404 })
    .then((r) => (r.status === 404 ? null : r.data));
export const putSso = (input: SsoInput) => api.put<Sso>("/api/v1/sso/", input).then((r) => r.data);
export const deleteSso = () => api.delete("/api/v1/sso/").then(() => undefined);

/**
 * Which stored logo a `logoUrl` points at, without what changes on every read: the signature and expiry of an
 * S3 presigned URL (its query), or the timestamp and signature of the development download token
 * (`/api/v1/downloads/?token=<payload>:<timestamp>:<signature>`, Django's signing.dumps). Two reads of the same
 * logo give the same identity; a new logo (a new object key) a different one.
 */
export function logoIdentity(url: string | null): string | null {
  if (!url) return null;
  const parsed = new URL(url, "http://relative.invalid");
  const token = parsed.searchParams.get("token");
  return `${parsed.origin}${parsed.pathname}${token ? `?${token.split(":")[0]}` : ""}`;
}
