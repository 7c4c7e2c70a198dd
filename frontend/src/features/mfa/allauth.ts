/**
 * MFA setup goes through django-allauth's headless authenticator endpoints ("app" client). They need an
 * allauth session of their own: a password login to allauth gives a session token, sent as X-Session-Token.
 * That token is kept by the caller in memory (React state) only, never in web storage: it is as good as a
 * fresh sign-in for changing the account's second factor.
 */
import { isAxiosError, type AxiosRequestConfig } from "axios";
import { api } from "@/lib/api/client";
import { ALLAUTH_BASE } from "@/lib/api/endpoints";
import type { CreationOptionsJson, CredentialJson } from "./webauthn";

export const SESSION_HEADER = "X-Session-Token";

interface AllauthFlow {
  id: string;
  is_pending?: boolean;
}

export interface AllauthBody<D = unknown, M = Record<string, unknown>> {
  status: number;
  data?: D;
  meta?: M;
}

export interface TotpAuthenticator {
  type: "totp";
  created_at: number;
  last_used_at: number | null;
}

export interface RecoveryCodesAuthenticator {
  type: "recovery_codes";
  created_at: number;
  last_used_at: number | null;
  total_code_count: number;
  unused_code_count: number;
  /** Only in the answers that may show them (right after they were made, or regenerated). */
  unused_codes?: string[];
}

/** A passkey (allauth's "webauthn" authenticator): its id is what renaming and removing take. */
export interface PasskeyAuthenticator {
  type: "webauthn";
  id: number;
  name: string;
  created_at: number;
  last_used_at: number | null;
  is_passwordless?: boolean;
}

/** What allauth lists. */
export type Authenticator =
  | TotpAuthenticator
  | RecoveryCodesAuthenticator
  | PasskeyAuthenticator
  | { type: string; created_at: number; last_used_at: number | null };

export const isPasskey = (a: Authenticator): a is PasskeyAuthenticator => a.type === "webauthn";

export interface TotpSetup {
  secret: string;
  totpUrl: string;
}

/** A signed-in allauth session, or one waiting for a second factor (the account has MFA already). */
export interface AllauthSession {
  sessionToken: string;
  needsCode: boolean;
}

/** Thrown when allauth signs nobody in without asking for a second factor (e.g. not a member of this organisation). */
export class AllauthLoginRefused extends Error {
  constructor() {
    super("allauth_login_refused");
  }
}

/** Thrown when the allauth session is gone or is no longer fresh enough: unlock again with the password. */
export class AllauthSessionLost extends Error {
  constructor() {
    super("allauth_session_lost");
  }
}

export function withSession(sessionToken: string, config: AxiosRequestConfig = {}): AxiosRequestConfig {
  // skipAuth: allauth's endpoints know nothing of our bearer tokens and must not trigger our refresh on 401.
  return { ...config, skipAuth: true, headers: { ...config.headers, [SESSION_HEADER]: sessionToken } };
}

/** 401 (not authenticated, or reauthentication needed) and 410 (session expired) mean: start over. */
export function sessionLost(error: unknown): never {
  if (isAxiosError(error) && (error.response?.status === 401 || error.response?.status === 410)) throw new AllauthSessionLost();
  throw error;
}

/**
 * Password login to allauth. For an account with MFA allauth answers 401 with a pending `mfa_authenticate`
 * flow and a session token: the code goes to `authenticateWithCode` next. A wrong password is a 400.
 */
export async function allauthLogin(email: string, password: string): Promise<AllauthSession> {
  const response = await api.post<AllauthBody<{ flows?: AllauthFlow[] }, { session_token?: string }>>(
    `${ALLAUTH_BASE}/auth/login`,
    { email, password },
    { skipAuth: true, validateStatus: (status) => status === 200 || status === 401 },
  );
  const sessionToken = response.data.meta?.session_token;
  const pending = response.data.data?.flows?.some((flow) => flow.id === "mfa_authenticate" && flow.is_pending);
  if (!sessionToken || (response.status === 401 && !pending)) {
    // 401 without a second-factor step: allauth did not sign in (e.g. not a member of this organisation).
    throw new AllauthLoginRefused();
  }
  return { sessionToken, needsCode: response.status === 401 };
}

/** The second factor of an allauth login (a TOTP or recovery code). */
export const authenticateWithCode = (sessionToken: string, code: string) =>
  api.post(`${ALLAUTH_BASE}/auth/2fa/authenticate`, { code }, withSession(sessionToken)).then(() => undefined);

/** Changing authenticators needs a recent authentication: confirm the password again. */
export const reauthenticate = (sessionToken: string, password: string) =>
  api.post(`${ALLAUTH_BASE}/auth/reauthenticate`, { password }, withSession(sessionToken)).then(() => undefined);

export const listAuthenticators = (sessionToken: string) =>
  api
    .get<AllauthBody<Authenticator[]>>(`${ALLAUTH_BASE}/account/authenticators`, withSession(sessionToken))
    .then((r) => r.data.data ?? [], sessionLost);

/** A new secret to set up TOTP with (allauth answers 404 with it while the account has no TOTP), or null if it has one. */
export const startTotpSetup = (sessionToken: string) =>
  api
    .get<AllauthBody<TotpAuthenticator, { secret?: string; totp_url?: string }>>(
      `${ALLAUTH_BASE}/account/authenticators/totp`,
      withSession(sessionToken, { validateStatus: (status) => status === 200 || status === 404 }),
    )
    .then((r): TotpSetup | null => {
      const { secret, totp_url: totpUrl } = r.data.meta ?? {};
      return r.status === 404 && secret && totpUrl ? { secret, totpUrl } : null;
    }, sessionLost);

export const activateTotp = (sessionToken: string, code: string) =>
  api
    .post(`${ALLAUTH_BASE}/account/authenticators/totp`, { code }, withSession(sessionToken))
    .then(() => undefined, sessionLost);

export const deactivateTotp = (sessionToken: string) =>
  api.delete(`${ALLAUTH_BASE}/account/authenticators/totp`, withSession(sessionToken)).then(() => undefined, sessionLost);

/** The unused recovery codes, readable once after they were made (allauth's rule). */
export const getRecoveryCodes = (sessionToken: string) =>
  api
    .get<AllauthBody<RecoveryCodesAuthenticator>>(`${ALLAUTH_BASE}/account/authenticators/recovery-codes`, withSession(sessionToken))
    .then((r) => r.data.data?.unused_codes ?? [], sessionLost);

/** New recovery codes; the old ones stop working. */
export const regenerateRecoveryCodes = (sessionToken: string) =>
  api
    .post<AllauthBody<RecoveryCodesAuthenticator>>(`${ALLAUTH_BASE}/account/authenticators/recovery-codes`, {}, withSession(sessionToken))
    .then((r) => r.data.data?.unused_codes ?? [], sessionLost);

/**
 * WebAuthn creation options for a new passkey (needs a recent reauthentication, like every change here).
 * `passwordless`: a passkey that also signs in alone (allauth's `?passwordless`: a discoverable credential, the
 * person verified by fingerprint, face, screen lock or PIN), else a second step after the password only.
 */
export const passkeyCreationOptions = (sessionToken: string, passwordless: boolean) =>
  api
    .get<AllauthBody<{ creation_options: CreationOptionsJson }>>(
      `${ALLAUTH_BASE}/account/authenticators/webauthn${passwordless ? "?passwordless" : ""}`,
      withSession(sessionToken),
    )
    .then((r) => r.data.data!.creation_options, sessionLost);

/** Stores the passkey navigator.credentials.create() made; allauth makes recovery codes along with the first one. */
export const addPasskey = (sessionToken: string, name: string, credential: CredentialJson, passwordless: boolean) =>
  api
    .post<AllauthBody<PasskeyAuthenticator, { recovery_codes_generated?: boolean }>>(
      `${ALLAUTH_BASE}/account/authenticators/webauthn`,
      // allauth checks a passwordless one was verified (and keeps its `credProps.rk`: `is_passwordless`).
      { name, credential, passwordless },
      withSession(sessionToken),
    )
    .then((r) => ({ passkey: r.data.data!, recoveryCodesGenerated: r.data.meta?.recovery_codes_generated === true }), sessionLost);

/** Removes passkeys; allauth removes the recovery codes too once no other authenticator is left. */
export const removePasskey = (sessionToken: string, id: number) =>
  api
    .delete(`${ALLAUTH_BASE}/account/authenticators/webauthn`, withSession(sessionToken, { data: { authenticators: [id] } }))
    .then(() => undefined, sessionLost);
