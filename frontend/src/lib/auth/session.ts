"use client";

import { useEffect, useState, useSyncExternalStore } from "react";
import { apiClient } from "@/lib/api/client";

export type SessionStatus = "loading" | "authenticated" | "anonymous";

/**
 * Whether this tab has a session on this host. After a page load the access token (memory only) is gone, so
 * the first thing is one refresh with the httpOnly cookie; the refresh is single-flight, so several
 * components asking at once still cause one request.
 */
export function useSessionStatus(): SessionStatus {
  const [status, setStatus] = useState<SessionStatus>(() => (apiClient.tokens.get() ? "authenticated" : "loading"));

  useEffect(() => {
    let active = true;
    if (!apiClient.tokens.get()) {
      void apiClient.refresh().then((token) => {
        if (active) setStatus(token ? "authenticated" : "anonymous");
      });
    }
    const unsubscribe = apiClient.tokens.subscribe((token) => setStatus(token ? "authenticated" : "anonymous"));
    return () => {
      active = false;
      unsubscribe();
    };
  }, []);

  return status;
}

/** `next` from a sign-in URL, only if it is a path on this same host (never an open redirect). */
export function safeNext(raw: string | null, fallback = "/"): string {
  if (!raw || !raw.startsWith("/") || raw.startsWith("//") || raw.startsWith("/\\")) return fallback;
  return raw;
}

/** Set while this browser has an account session on the public host (a hint, not a secret: the cookie decides). */
export const PUBLIC_SESSION_HINT = "saas.publicSession";

function readHint(): boolean {
  try {
    return window.localStorage.getItem(PUBLIC_SESSION_HINT) === "1";
  } catch {
    return false; // storage blocked: treated as signed out until a sign-in in this tab
  }
}

function writeHint(signedIn: boolean): void {
  try {
    if (signedIn) window.localStorage.setItem(PUBLIC_SESSION_HINT, "1");
    else window.localStorage.removeItem(PUBLIC_SESSION_HINT);
  } catch {
    // storage blocked: the header then shows "Sign in" after a reload, which is only a missed convenience
  }
}

// The token store as an external store; every change also records (or clears) the hint.
function subscribeToken(onChange: () => void): () => void {
  return apiClient.tokens.subscribe((token) => {
    writeHint(token !== null);
    onChange();
  });
}
const noSubscribe = () => () => undefined;

/**
 * The public site's header: signed in or not, without a refresh request on every page for every visitor
 * (refreshes are rate limited per IP). Only a browser that signed in here before tries the refresh cookie.
 */
export function usePublicSessionStatus(): SessionStatus {
  const token = useSyncExternalStore(subscribeToken, () => apiClient.tokens.get(), () => null);
  // False on the server and while hydrating (the server cannot read localStorage), true after.
  const hydrated = useSyncExternalStore(noSubscribe, () => true, () => false);
  const hint = hydrated && readHint();
  const [tried, setTried] = useState(false);

  useEffect(() => {
    if (token || !hint || tried) return;
    let active = true;
    void apiClient.refresh().then((fresh) => {
      if (!fresh) writeHint(false); // the session ended elsewhere (signed out, expired): stop trying
      if (active) setTried(true);
    });
    return () => {
      active = false;
    };
  }, [token, hint, tried]);

  if (!hydrated) return "loading";
  if (token) return "authenticated";
  return hint && !tried ? "loading" : "anonymous";
}
