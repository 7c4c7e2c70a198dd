"use client";

import { useEffect, useState } from "react";
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
