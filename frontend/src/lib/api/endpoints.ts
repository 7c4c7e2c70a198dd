import type { AxiosProgressEvent } from "axios";
import { api, apiClient } from "./client";
import type {
  AccountTenant,
  Billing,
  CheckoutInput,
  ExportJob,
  FileLimits,
  Invitation,
  InvitationAcceptInput,
  InvitationCreateInput,
  InvitationPreview,
  LoginInput,
  LoginResponse,
  LoginResult,
  Me,
  Member,
  MemberUpdateInput,
  MfaChallenge,
  MfaInput,
  Paginated,
  PasskeyLoginInput,
  PasskeyLoginOptions,
  Plan,
  Project,
  ProjectInput,
  ProjectUpdateInput,
  RedirectUrl,
  Role,
  SignupInput,
  SignupResult,
  StoredFile,
  StoredFileDetail,
  SubdomainCheck,
  TenantCreateInput,
  TokenPair,
} from "./types";

/** Lists are paginated (`{count, next, previous, results}`); a few endpoints return a bare array. Accept both. */
export function asList<T>(data: T[] | Paginated<T>): T[] {
  return Array.isArray(data) ? data : data.results;
}

/**
 * Email verification and password reset are django-allauth's headless API ("app" client: no CSRF, no
 * session cookie). The frontend proxies `/_allauth/*` to Django like `/api/*`.
 */
export const ALLAUTH_BASE = process.env.NEXT_PUBLIC_ALLAUTH_BASE || "/_allauth/app/v1";

function storeAccess<T extends TokenPair>(data: T): T {
  apiClient.tokens.set(data.access);
  return data;
}

// ---- public host ------------------------------------------------------------------------------------------
export const signup = (input: SignupInput) =>
  api.post<SignupResult>("/api/v1/signup/", input, { skipAuth: true }).then((r) => r.data);

export const checkSubdomain = (subdomain: string, signal?: AbortSignal) =>
  api
    .get<SubdomainCheck>("/api/v1/signup/check-subdomain/", { params: { subdomain }, signal, skipAuth: true })
    .then((r) => r.data);

export const listPlans = () => api.get<Plan[] | Paginated<Plan>>("/api/v1/billing/plans/", { skipAuth: true }).then((r) => asList(r.data));

export const listAccountTenants = () =>
  api.get<AccountTenant[] | Paginated<AccountTenant>>("/api/v1/account/tenants/").then((r) => asList(r.data));

export const createAccountTenant = (input: TenantCreateInput) =>
  api.post<AccountTenant>("/api/v1/account/tenants/", input).then((r) => r.data);

export const handoff = (tenantId: string) =>
  api.post<RedirectUrl>(`/api/v1/account/tenants/${encodeURIComponent(tenantId)}/handoff/`).then((r) => r.data);

// ---- either host: sessions --------------------------------------------------------------------------------
export function isMfaChallenge(result: LoginResponse): result is MfaChallenge {
  return "mfaRequired" in result && result.mfaRequired === true;
}

/** The password step. An account with MFA gets a challenge and no tokens: then `verifyMfa` with a code. */
export const login = (email: string, password: string) =>
  api
    .post<LoginResponse>("/api/v1/auth/login/", { email, password } satisfies LoginInput, { skipAuth: true })
    .then((r) => (isMfaChallenge(r.data) ? r.data : storeAccess(r.data)));

/** The second step of a login with MFA: the challenge's token and a TOTP or recovery code give the tokens. */
export const verifyMfa = (mfaToken: string, code: string) =>
  api.post<LoginResult>("/api/v1/auth/mfa/", { mfaToken, code } satisfies MfaInput, { skipAuth: true }).then((r) => storeAccess(r.data));

/** A passkey for the second step (`methods` has "webauthn"): WebAuthn request options for this challenge only. */
export const passkeyOptions = (mfaToken: string) =>
  api
    .post<{ requestOptions: Record<string, unknown> }>("/api/v1/auth/mfa/webauthn/options/", { mfaToken }, { skipAuth: true })
    .then((r) => r.data.requestOptions);

/** The second step with a passkey: the assertion of navigator.credentials.get() for `passkeyOptions`. */
export const verifyMfaPasskey = (mfaToken: string, credential: Record<string, unknown>) =>
  api
    .post<LoginResult>("/api/v1/auth/mfa/", { mfaToken, credential } satisfies MfaInput, { skipAuth: true })
    .then((r) => storeAccess(r.data));

/** A passwordless sign-in's start: WebAuthn request options for this host's passkeys (no account named). */
export const passkeyLoginOptions = () =>
  api
    .post<PasskeyLoginOptions>("/api/v1/auth/passkey/options/", undefined, { skipAuth: true })
    .then((r) => r.data.requestOptions);

/** Signs in with the passkey's assertion alone: the same answer as a password login (no second step). */
export const passkeyLogin = (credential: Record<string, unknown>) =>
  api
    .post<LoginResult>("/api/v1/auth/passkey/", { credential } satisfies PasskeyLoginInput, { skipAuth: true })
    .then((r) => storeAccess(r.data));

export const redeemHandoff = (code: string) =>
  api.post<LoginResult>("/api/v1/auth/handoff/", { code }, { skipAuth: true }).then((r) => storeAccess(r.data));

export async function logout(): Promise<void> {
  try {
    // Empty body: the backend reads the refresh cookie, revokes it and clears the cookie.
    await api.post("/api/v1/auth/logout/", {}, { skipAuth: true });
  } finally {
    apiClient.tokens.set(null);
  }
}

// ---- organisation host ------------------------------------------------------------------------------------
export const getMe = () => api.get<Me>("/api/v1/me/").then((r) => r.data);

export const listMembers = () => api.get<Member[] | Paginated<Member>>("/api/v1/members/").then((r) => asList(r.data));
export const updateMember = (id: Member["id"], role: Role) =>
  api.patch<Member>(`/api/v1/members/${id}/`, { role } satisfies MemberUpdateInput).then((r) => r.data);
export const removeMember = (id: Member["id"]) => api.delete(`/api/v1/members/${id}/`).then(() => undefined);

export const listInvitations = () =>
  api.get<Invitation[] | Paginated<Invitation>>("/api/v1/invitations/").then((r) => asList(r.data));
export const createInvitation = (email: string, role: Role) =>
  api.post<Invitation>("/api/v1/invitations/", { email, role } satisfies InvitationCreateInput).then((r) => r.data);
export const revokeInvitation = (id: Invitation["id"]) => api.delete(`/api/v1/invitations/${id}/`).then(() => undefined);
export const resendInvitation = (id: Invitation["id"]) => api.post(`/api/v1/invitations/${id}/resend/`).then(() => undefined);
export const previewInvitation = (token: string) =>
  api.get<InvitationPreview>("/api/v1/invitations/preview/", { params: { token }, skipAuth: true }).then((r) => r.data);
/** Joins and signs in; an account with MFA gets a challenge (joined, but no tokens until its second step). */
export const acceptInvitation = (input: InvitationAcceptInput) =>
  api
    .post<LoginResponse>("/api/v1/invitations/accept/", input, { skipAuth: true })
    .then((r) => (isMfaChallenge(r.data) ? r.data : storeAccess(r.data)));

export const listProjects = () => api.get<Project[] | Paginated<Project>>("/api/v1/projects/").then((r) => asList(r.data));
export const createProject = (input: ProjectInput) =>
  api.post<Project>("/api/v1/projects/", input).then((r) => r.data);
export const updateProject = (id: Project["id"], input: ProjectUpdateInput) =>
  api.patch<Project>(`/api/v1/projects/${id}/`, input).then((r) => r.data);
export const deleteProject = (id: Project["id"]) => api.delete(`/api/v1/projects/${id}/`).then(() => undefined);

export const listFiles = () => api.get<StoredFile[] | Paginated<StoredFile>>("/api/v1/files/").then((r) => asList(r.data));
/** The largest upload and the accepted types: the files page refuses a file before sending its bytes. */
export const getFileLimits = () => api.get<FileLimits>("/api/v1/files/limits/").then((r) => r.data);
export const getFile = (id: StoredFile["id"]) => api.get<StoredFileDetail>(`/api/v1/files/${id}/`).then((r) => r.data);
export const deleteFile = (id: StoredFile["id"]) => api.delete(`/api/v1/files/${id}/`).then(() => undefined);
export function uploadFile(file: File, onProgress: (fraction: number) => void, signal?: AbortSignal) {
  const body = new FormData();
  body.append("file", file);
  return api
    .post<StoredFile>("/api/v1/files/", body, {
      signal,
      onUploadProgress: (event: AxiosProgressEvent) => {
        if (event.total) onProgress(event.loaded / event.total);
      },
    })
    .then((r) => r.data);
}

export const requestExport = () => api.post<ExportJob>("/api/v1/exports/").then((r) => r.data);
export const getExport = (id: ExportJob["id"]) => api.get<ExportJob>(`/api/v1/exports/${id}/`).then((r) => r.data);

export const getBilling = () => api.get<Billing>("/api/v1/billing/").then((r) => r.data);
export const startCheckout = (plan: string) => api.post<RedirectUrl>("/api/v1/billing/checkout/", { plan } satisfies CheckoutInput).then((r) => r.data);
export const openBillingPortal = () => api.post<RedirectUrl>("/api/v1/billing/portal/").then((r) => r.data);

// ---- allauth headless: password reset and email verification ----------------------------------------------
export const requestPasswordReset = (email: string) =>
  api.post(`${ALLAUTH_BASE}/auth/password/request`, { email }, { skipAuth: true }).then(() => undefined);
export const resetPassword = (key: string, password: string) =>
  api
    .post(`${ALLAUTH_BASE}/auth/password/reset`, { key, password }, { skipAuth: true, validateStatus: (s) => s === 200 || s === 401 })
    .then(() => undefined);
export const verifyEmail = (key: string) =>
  api
    .post(`${ALLAUTH_BASE}/auth/email/verify`, { key }, { skipAuth: true, validateStatus: (s) => s === 200 || s === 401 })
    .then(() => undefined);
