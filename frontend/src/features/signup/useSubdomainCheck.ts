"use client";

import { useEffect, useState } from "react";
import { checkSubdomain } from "@/lib/api/endpoints";
import type { SubdomainCheck } from "@/lib/api/types";
import { isWellFormedSubdomain } from "./subdomain";

export type SubdomainState =
  | { state: "idle" }
  | { state: "invalid" }
  | { state: "checking" }
  | { state: "available" }
  | { state: "unavailable"; reason: string; detail?: string }
  | { state: "error" };

export const SUBDOMAIN_CHECK_DELAY_MS = 300;

/** Live availability while typing: debounced, and a newer keystroke aborts the older request. */
export function useSubdomainCheck(subdomain: string, delay = SUBDOMAIN_CHECK_DELAY_MS): SubdomainState {
  const [result, setResult] = useState<{ for: string; value: SubdomainState } | null>(null);
  const wellFormed = isWellFormedSubdomain(subdomain);

  useEffect(() => {
    if (!subdomain || !wellFormed) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      checkSubdomain(subdomain, controller.signal)
        .then((check: SubdomainCheck) =>
          setResult({
            for: subdomain,
            value: check.available
              ? { state: "available" }
              : { state: "unavailable", reason: check.reason ?? "taken", detail: check.detail },
          }),
        )
        .catch((error: unknown) => {
          if (!controller.signal.aborted) setResult({ for: subdomain, value: { state: "error" } });
          return error;
        });
    }, delay);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [subdomain, wellFormed, delay]);

  if (!subdomain) return { state: "idle" };
  if (!wellFormed) return { state: "invalid" };
  if (result?.for === subdomain) return result.value;
  return { state: "checking" };
}
