/**
 * Social login and organisation SSO through django-allauth's headless API ("app" client). Signing in uses the
 * redirect flow: a real browser form post (ProviderButtons), never XHR, so the browser follows the provider's
 * redirects and comes back through the public host's one callback (shared_apps/accounts/social.py). Only the
 * configuration and the signed-in account's connected providers are read here.
 */
import { api } from "@/lib/api/client";
import { ALLAUTH_BASE } from "@/lib/api/endpoints";
import type { MfaChallenge } from "@/lib/api/types";
import { SESSION_HEADER } from "@/features/mfa/allauth";

/** allauth's provider as `/config` and `/account/providers` describe it. */
export interface Provider {
  id: string;
  name: string;
  flows: string[];
  client_id?: string;
  openid_configuration_url?: string;
}

/** A provider account connected to the signed-in account (allauth's shape). */
export interface ProviderAccount {
  uid: string;
  display: string;
  provider: Provider;
}

interface AllauthBody<D> {
  status: number;
  data?: D;
}

export const REDIRECT_URL = `${ALLAUTH_BASE}/auth/provider/redirect`;
export const REDIRECT_FLOW = "provider_redirect";

/** An organisation's own SSO provider (shared_apps.memberships.sso): offered on its host only. */
export function isSsoProvider(provider: Pick<Provider, "id">): boolean {
  return provider.id.startsWith("sso-");
}

/** The providers this host offers for the redirect flow (the organisation's SSO first), or [] when none. */
export const listProviders = (signal?: AbortSignal) =>
  api
    .get<AllauthBody<{ socialaccount?: { providers?: Provider[] } }>>(`${ALLAUTH_BASE}/config`, { skipAuth: true, signal })
    .then((r) => {
      const providers = (r.data.data?.socialaccount?.providers ?? []).filter((p) => p.flows.includes(REDIRECT_FLOW));
      return [...providers.filter(isSsoProvider), ...providers.filter((p) => !isSsoProvider(p))];
    });

function withSession(sessionToken: string) {
  // skipAuth: allauth's endpoints know nothing of our bearer tokens and must not trigger our refresh on 401.
  return { skipAuth: true, headers: { [SESSION_HEADER]: sessionToken } };
}

export const listProviderAccounts = (sessionToken: string) =>
  api
    .get<AllauthBody<ProviderAccount[]>>(`${ALLAUTH_BASE}/account/providers`, withSession(sessionToken))
    .then((r) => r.data.data ?? []);

/** Disconnects one provider account; allauth answers with the accounts left. */
export const disconnectProviderAccount = (sessionToken: string, account: ProviderAccount) =>
  api
    .delete<AllauthBody<ProviderAccount[]>>(`${ALLAUTH_BASE}/account/providers`, {
      ...withSession(sessionToken),
      data: { provider: account.provider.id, account: account.uid },
    })
    .then((r) => r.data.data ?? []);

/** A single-use token (10 minutes) binding a provider connect to the signed-in member (POST /api/v1/me/social/connect/). */
export const createConnectToken = () =>
  api.post<{ connectToken: string }>("/api/v1/me/social/connect/").then((r) => r.data.connectToken);

/**
 * Connects `provider` to the signed-in account: a real browser form post to allauth's redirect endpoint with
 * `process=connect` and the connect token (the browser goes to the provider and back through the public host,
 * which connects it to the token's account), ending on this host's /profile (`?connected=` or `?error=`).
 */
export function submitConnect(provider: Pick<Provider, "id">, connectToken: string): void {
  const form = document.createElement("form");
  form.method = "post";
  form.action = REDIRECT_URL;
  const fields = {
    provider: provider.id,
    process: "connect",
    callback_url: `${window.location.origin}/profile`,
    connect_token: connectToken,
  };
  for (const [name, value] of Object.entries(fields)) {
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    form.appendChild(input);
  }
  document.body.appendChild(form);
  form.submit();
}

/** The error codes a connect sends back to the profile (`?error=`): anything else gets the generic one. */
const CONNECT_ERROR_KEYS = new Map<string, ConnectErrorKey>([
  ["connected_other", "connectedOther"],
  ["connect_invalid", "connectInvalid"],
  ["cancelled", "cancelled"],
  ["provider_unavailable", "providerUnavailable"],
]);

export type ConnectErrorKey = "connectedOther" | "connectInvalid" | "cancelled" | "providerUnavailable" | "unknown";

export function connectErrorKey(code: string): ConnectErrorKey {
  return CONNECT_ERROR_KEYS.get(code) ?? "unknown";
}

/** The error codes the flow sends back to the login page (`?error=`), each with its own message. */
const ERROR_KEYS = new Map<string, SocialErrorKey>([
  ["not_a_member", "notAMember"],
  ["email_taken", "emailTaken"],
  ["sso_required", "ssoRequired"],
  ["cancelled", "cancelled"],
  ["provider_unavailable", "providerUnavailable"],
  ["seat_limit_reached", "seatLimitReached"],
  // A sign-in started on accept-invite (shared_apps/accounts/social.py, the invitation flow).
  ["invitation_invalid", "invitationInvalid"],
  ["invitation_email_mismatch", "invitationEmailMismatch"],
  ["invitation_email_unverified", "invitationEmailUnverified"],
  ["already_member", "alreadyMember"],
]);

export type SocialErrorKey =
  | "notAMember"
  | "emailTaken"
  | "ssoRequired"
  | "cancelled"
  | "providerUnavailable"
  | "seatLimitReached"
  | "invitationInvalid"
  | "invitationEmailMismatch"
  | "invitationEmailUnverified"
  | "alreadyMember"
  | "unknown";

/** The message key for an `?error=` code: anything else (`unknown`, allauth's own codes) gets the generic one. */
export function socialErrorKey(code: string): SocialErrorKey {
  return ERROR_KEYS.get(code) ?? "unknown";
}

/** `?mfaToken=...&methods=totp,recovery_codes`: a provider login of an account with MFA, at its second step. */
export function challengeFromParams(params: URLSearchParams): MfaChallenge | null {
  const mfaToken = params.get("mfaToken");
  if (!mfaToken) return null;
  const methods = (params.get("methods") ?? "").split(",").filter(Boolean) as MfaChallenge["methods"];
  return { mfaRequired: true, mfaToken, methods };
}
