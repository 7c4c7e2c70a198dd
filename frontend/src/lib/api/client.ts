import axios, { isAxiosError, type AxiosInstance, type InternalAxiosRequestConfig } from "axios";
import { apiErrorCode } from "./errors";
import { accessToken as defaultStore, type TokenStore } from "./tokens";

declare module "axios" {
  interface AxiosRequestConfig {
    /** Do not attach the access token and do not try to refresh on 401 (login, refresh, handoff, accept...). */
    skipAuth?: boolean;
    /** Set on the retry after a refresh, so a second 401 is final. */
    _retried?: boolean;
    /** The access token this request was sent with. */
    _sentToken?: string | null;
  }
}

export const REFRESH_PATH = "/api/v1/auth/refresh/";
export const CSRF_HEADER = "X-Requested-With";
/** The 403 code of an organisation that requires MFA, for a member who has not set it up yet. */
export const MFA_SETUP_REQUIRED = "mfa_setup_required";

export interface ApiClientOptions {
  baseURL?: string;
  tokens?: TokenStore;
  /** Called once when a refresh fails: the session is over (e.g. redirect to sign-in). */
  onSessionExpired?: () => void;
  /** Called on each 403 `mfa_setup_required`: the organisation requires MFA and this member has none yet. */
  onMfaSetupRequired?: () => void;
  /** The language to ask the API for (Accept-Language); default: the page's, see `pageLocale`. */
  locale?: () => string | null;
}

/**
 * The language the page is shown in: `<html lang>`, which the root layout renders from the chosen locale
 * (NEXT_LOCALE cookie, else the browser's languages) and IntlProvider updates when the user switches. Sent as
 * Accept-Language so the API's messages (errors, emails it sends) come in that language, not in the browser's.
 */
export function pageLocale(): string | null {
  return typeof document === "undefined" ? null : document.documentElement.lang || null;
}

export interface ApiClient {
  http: AxiosInstance;
  tokens: TokenStore;
  /**
   * Gets a new access token from the refresh cookie. Single-flight: callers that arrive while a refresh is in
   * progress share it, so N concurrent 401s cause exactly one POST to the refresh endpoint. Resolves to the
   * new access token, or null when there is no valid session.
   */
  refresh(): Promise<string | null>;
}

export function createApiClient(options: ApiClientOptions = {}): ApiClient {
  const tokens = options.tokens ?? defaultStore;
  const http = axios.create({
    baseURL: options.baseURL ?? "",
    // X-Requested-With on every request: the API refuses a refresh or logout that relies on the refresh
    // cookie without it (403 csrf_header_missing), since a page on a sibling subdomain can make the browser
    // send the cookie but cannot add a custom header without a CORS preflight, which the API never grants.
    headers: { Accept: "application/json", [CSRF_HEADER]: "XMLHttpRequest" },
    // Same origin: the refresh cookie (host-only, httpOnly) goes along without withCredentials.
    withCredentials: false,
  });

  let inFlight: Promise<string | null> | null = null;

  function refresh(): Promise<string | null> {
    if (!inFlight) {
      inFlight = http
        // The body is empty on purpose: the refresh token is the httpOnly cookie, and the backend reads it
        // when the body has none. The rotated refresh token in the response body is ignored (never stored).
        .post<{ access: string }>(REFRESH_PATH, {}, { skipAuth: true })
        .then((response) => {
          tokens.set(response.data.access);
          return response.data.access;
        })
        .catch(() => {
          tokens.set(null);
          options.onSessionExpired?.();
          return null;
        })
        .finally(() => {
          inFlight = null;
        });
    }
    return inFlight;
  }

  const locale = options.locale ?? pageLocale;
  http.interceptors.request.use((config: InternalAxiosRequestConfig) => {
    const language = locale();
    if (language) config.headers.set("Accept-Language", language); // login and signup errors too: before skipAuth
    if (config.skipAuth) return config;
    const token = tokens.get();
    config._sentToken = token;
    if (token) config.headers.set("Authorization", `Bearer ${token}`);
    else config.headers.delete("Authorization");
    return config;
  });

  http.interceptors.response.use(undefined, async (error: unknown) => {
    if (isAxiosError(error) && error.response?.status === 403 && apiErrorCode(error) === MFA_SETUP_REQUIRED) {
      options.onMfaSetupRequired?.();
    }
    if (!isAxiosError(error) || error.response?.status !== 401 || !error.config) throw error;
    const config = error.config;
    if (config.skipAuth || config._retried) throw error;
    const current = tokens.get();
    // Another request already refreshed while this one was in the air: retry with the new token, no new refresh.
    const token = current && current !== config._sentToken ? current : await refresh();
    if (!token) throw error;
    config._retried = true;
    return http.request(config);
  });

  return { http, tokens, refresh };
}

/** The app's client. Components call the functions in ./endpoints.ts, which use it. */
// Session loss is handled by the session providers, which watch the token store (lib/auth/session.tsx).
const mfaSetupListeners = new Set<() => void>();
export const apiClient = createApiClient({ onMfaSetupRequired: () => mfaSetupListeners.forEach((listener) => listener()) });

/** Subscribes to the app client's 403 `mfa_setup_required` answers (the organisation shell sends the member to set MFA up). */
export function onMfaSetupRequired(listener: () => void): () => void {
  mfaSetupListeners.add(listener);
  return () => {
    mfaSetupListeners.delete(listener);
  };
}
export const api = apiClient.http;
