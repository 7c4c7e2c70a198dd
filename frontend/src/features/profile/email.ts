/** The account's email addresses through allauth's headless `/account/email` (an unlocked allauth session). */
import { api } from "@/lib/api/client";
import { ALLAUTH_BASE } from "@/lib/api/endpoints";
import { sessionLost, withSession, type AllauthBody } from "@/features/mfa/allauth";

export interface EmailAddress {
  email: string;
  primary: boolean;
  verified: boolean;
}

const url = `${ALLAUTH_BASE}/account/email`;
const list = (r: { data: AllauthBody<EmailAddress[]> }) => r.data.data ?? [];

export const listEmails = (sessionToken: string) => api.get<AllauthBody<EmailAddress[]>>(url, withSession(sessionToken)).then(list, sessionLost);

/** Starts a change (ACCOUNT_CHANGE_EMAIL): a link goes to the new address, which replaces the login once opened. */
export const addEmail = (sessionToken: string, email: string) =>
  api.post<AllauthBody<EmailAddress[]>>(url, { email }, withSession(sessionToken)).then(list, sessionLost);

export const resendVerification = (sessionToken: string, email: string) =>
  api.put(url, { email }, withSession(sessionToken)).then(() => undefined, sessionLost);

/** Withdraws a pending change (the login itself can never be removed: shared_apps/accounts/adapters.py). */
export const removeEmail = (sessionToken: string, email: string) =>
  api.delete<AllauthBody<EmailAddress[]>>(url, withSession(sessionToken, { data: { email } })).then(list, sessionLost);
